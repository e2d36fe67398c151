// `/_readcount/*`: everything readcount serves for itself (scripts, styles, the phoenix client, the code theme, its icon).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CODE_THEME_CSS } from '../../posts/render.js';

// From src/ or dist/, the browser sources live in src/web/client.
const CLIENT_DIR = fileURLToPath(new URL('../../../src/web/client/', import.meta.url));
const PHOENIX_FILE = fileURLToPath(import.meta.resolve('phoenix'));
const ASSET_CACHE = 'public, max-age=3600';

/** The one URL prefix a blog cannot use: every other path (`/assets/`, `/images/`, `/favicon.ico`) is the blog's. */
const RESERVED_PREFIX = '/_readcount/';

/** readcount's own icon, used when the site has none (`static/favicon.*` or the `favicon` setting). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#111"/>
<rect x="4" y="7" width="11" height="18" rx="2" fill="#333"/><rect x="17" y="7" width="11" height="18" rx="2" fill="#333"/>
<text x="9.5" y="21" font-family="monospace" font-weight="bold" font-size="14" fill="#39ff14" text-anchor="middle">4</text>
<text x="22.5" y="21" font-family="monospace" font-weight="bold" font-size="14" fill="#39ff14" text-anchor="middle">2</text></svg>
`;

export async function assetsRoutes(app: FastifyInstance): Promise<void> {
  const phoenixSource = await readFile(PHOENIX_FILE, 'utf8');
  await app.register(fastifyStatic, {
    root: CLIENT_DIR,
    prefix: RESERVED_PREFIX,
    cacheControl: false,
    decorateReply: false,
    setHeaders: (res) => res.setHeader('cache-control', ASSET_CACHE),
  });
  app.get('/_readcount/phoenix.mjs', (_request, reply) => {
    void reply.header('cache-control', ASSET_CACHE).type('text/javascript; charset=utf-8').send(phoenixSource);
  });
  app.get('/_readcount/code.css', (_request, reply) => {
    void reply.header('cache-control', ASSET_CACHE).type('text/css; charset=utf-8').send(CODE_THEME_CSS);
  });
  app.get('/_readcount/favicon.svg', (_request, reply) => {
    void reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG);
  });
}
