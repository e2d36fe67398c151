// Which requests are files, raw request paths, and the start-up scan that names static files an app route hides.
import { type Dirent, readdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Static files are revalidated cheaply (ETag, Last-Modified) after an hour, like /_readcount/. */
export const STATIC_CACHE_SECONDS = 3600;
/** The scan for shadowed files stops here: it only feeds a log line, and a huge folder must not delay the start. */
const SCAN_LIMIT = 10_000;
const SOURCE_FILE = /\.(md|markdown|mdown|mdx)$/i;

/** A page bundle serves its other files, never its markdown source. */
export const isBundleAsset = (path: string): boolean => !SOURCE_FILE.test(path);

/** The request's path as sent: no query, not decoded. */
export const rawPath = (url: string): string => url.split('?')[0] ?? '';

/** Files under `dir` as URL paths (`/images/a.png`), dotfiles and dot-folders left out; [] when `dir` is missing. */
export function listStaticFiles(dir: string): string[] {
  const root = resolve(dir);
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (files.length >= SCAN_LIMIT) break;
    if (!entry.isFile()) continue;
    const path = relative(root, resolve(entry.parentPath, entry.name)).split(sep);
    if (path.some((part) => part.startsWith('.'))) continue;
    files.push(`/${path.join('/')}`);
  }
  return files;
}

/**
 * True when a GET of `path` reaches an app route rather than the site-root catch-all (`/*`): the router is asked
 * directly, so the answer is exactly what a request would meet.
 */
export function appRouteOwns(app: FastifyInstance, path: string): boolean {
  const route = app.findRoute({ method: 'GET', url: encodeURI(path) });
  if (route === null) return false;
  const params = route.params as Record<string, string | undefined>;
  return params['*'] !== path.slice(1);
}

/**
 * A request for a file of STATIC_DIR or a page bundle (a post's images: dozens per page view, so they are kept out of
 * HTTP_RATE_LIMIT like /_readcount/). Pages share the root route but their slugs never hold a dot; files' names do.
 */
export function isFileRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === '/post/:slug/*') return true;
  return route === '/*' && /\.[^/]*$/.test(rawPath(request.url));
}
