// `/robots.txt`: the blog's own `STATIC_DIR/robots.txt` when it has one, else one that points crawlers at the sitemap.
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { realPathOrSelf } from '../../path-inside.js';
import { servedFile } from '../served-file.js';
import type { WebPluginOptions } from './deps.js';

/** App routes that serve the blog's file of the same path when there is one, so they shadow nothing. */
export const FROM_STATIC_DIR: ReadonlySet<string> = new Set(['/robots.txt']);
/** Crawlers read at most 500 KiB of robots.txt (RFC 9309); more is never sent. */
export const ROBOTS_MAX_BYTES = 500 * 1024;
const MAX_AGE_S = 3600;

/** The start of a file, read into a buffer of the file's size (at most `bytes`), not of the most it could be. */
async function readStart(path: string, bytes: number): Promise<Buffer | undefined> {
  try {
    const file = await open(path, 'r');
    try {
      const info = await file.stat();
      if (!info.isFile()) return undefined;
      const buffer = Buffer.alloc(Math.min(bytes, info.size));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

export async function robotsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const staticRoot = resolve(deps.config.staticDir);
  // As every STATIC_DIR file: a symlink is followed only while it stays in the folder and out of DATA_DIR.
  const forbidden = [realPathOrSelf(deps.config.dataDir)];
  app.get('/robots.txt', async (request, reply) => {
    const { base, cacheControl } = deps.site.base(request);
    const own = await servedFile(staticRoot, 'robots.txt', forbidden);
    const body =
      (own && (await readStart(join(own.root, own.path), ROBOTS_MAX_BYTES))) ??
      `User-agent: *\nAllow: /\n\nSitemap: ${base}/sitemap.xml\n`;
    return reply.type('text/plain; charset=utf-8').header('cache-control', cacheControl(MAX_AGE_S)).send(body);
  });
}
