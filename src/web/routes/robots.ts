// `/robots.txt`: the blog's own `STATIC_DIR/robots.txt` when it has one, else one that points crawlers at the sitemap.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { WebPluginOptions } from './deps.js';

/** App routes that serve the blog's file of the same path when there is one, so they shadow nothing. */
export const FROM_STATIC_DIR: ReadonlySet<string> = new Set(['/robots.txt']);
/** Crawlers read at most 500 KiB of robots.txt (RFC 9309); more is never sent. */
const ROBOTS_MAX_BYTES = 500 * 1024;
const MAX_AGE_S = 3600;

async function readStart(path: string, bytes: number): Promise<Buffer | undefined> {
  try {
    const file = await open(path, 'r');
    try {
      if (!(await file.stat()).isFile()) return undefined;
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await file.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

export async function robotsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const own = resolve(deps.config.staticDir, 'robots.txt');
  app.get('/robots.txt', async (request, reply) => {
    const { base, cacheControl } = deps.site.base(request);
    const body =
      (await readStart(own, ROBOTS_MAX_BYTES)) ?? `User-agent: *\nAllow: /\n\nSitemap: ${base}/sitemap.xml\n`;
    return reply.type('text/plain; charset=utf-8').header('cache-control', cacheControl(MAX_AGE_S)).send(body);
  });
}
