// The URL paths readcount's own routes answer, so `readcount check` can name a blog file hidden behind one without a server.

/** Exact paths of public routes (feeds, dashboards, health) a static file of the same path never reaches. */
export const RESERVED_PATHS: readonly string[] = [
  '/feed.xml',
  '/rss.xml',
  '/sitemap.xml',
  '/embed.js',
  '/healthz',
  '/metrics',
  '/how-we-count',
  '/stats',
  '/tags',
  '/api/posts',
  '/api/embed/token',
];

/** Prefixes whose every path is an app route: readcount's own files, posts, tags, stats, the socket. */
export const RESERVED_PREFIXES: readonly string[] = ['/_readcount/', '/post/', '/tags/', '/stats/', '/live/'];

/** The route that hides a static file at `path` (`/feed.xml`, `/_readcount/`), or undefined when the file is served. */
export function reservedRouteFor(path: string): string | undefined {
  if (RESERVED_PATHS.includes(path)) return path;
  return RESERVED_PREFIXES.find((prefix) => path.startsWith(prefix));
}
