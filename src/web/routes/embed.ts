// What other sites embed: `/embed.js` (the phoenix client and the <read-counter> element in one classic script) and the counter badge.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { badgeRoutes } from './badge.js';
import type { WebPluginOptions } from './deps.js';

// The package exports only the module builds; the classic (IIFE) build sits next to them.
const PHOENIX_IIFE = fileURLToPath(new URL('phoenix.js', import.meta.resolve('phoenix')));
// Same layout trick as app.ts: from src/ or dist/, the browser sources live in src/web/client.
const EMBED_SOURCE = fileURLToPath(new URL('../../../src/web/client/embed.js', import.meta.url));
const VISIBLE_TIME_SOURCE = fileURLToPath(new URL('../../../src/web/client/visible-time.js', import.meta.url));

/** Wrapped in a function so the phoenix client's `var Phoenix` stays out of the host page's globals. */
function bundle(): string {
  // visible-time.js is an ES module for our own pages; inside this classic script its exports are plain functions.
  const visibleTime = readFileSync(VISIBLE_TIME_SOURCE, 'utf8').replace(/^export function /gm, 'function ');
  return `/*! readcount embed: phoenix (MIT) + <read-counter> */\n(function () {\n${readFileSync(PHOENIX_IIFE, 'utf8')}\n${visibleTime}\n${readFileSync(EMBED_SOURCE, 'utf8')}\n})();\n`;
}

export async function embedRoutes(app: FastifyInstance, options: WebPluginOptions): Promise<void> {
  await app.register(badgeRoutes, options);
  const source = bundle();
  app.get('/embed.js', (_request, reply) => {
    void reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      // Other sites load this with <script src>; helmet's same-origin default would block it.
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(source);
  });
}
