// Old URLs keep working: a post's `aliases` (and `redirect_from`, `permalink`) answer 301 to where it lives now.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { safeFilePath } from '../../safe-file-path.js';
import { rawPath } from '../static-files.js';
import { postUrl } from '../urls.js';
import type { WebPluginOptions } from './deps.js';

/** Routes an alias may take over: the catch-all, and post/bundle URLs when no post answers there. */
const YIELDING_ROUTES = new Set(['/*', '/post/:slug', '/post/:slug/*']);

/** Hugo links a bundle's files under its section: `/posts/<name>/images/x.png`. Here they are `/post/<name>/…`. */
const SECTION_BUNDLE_FILE = /^\/([^/]+)\/([^/]+)\/([^?#]+\.[^/?#]+)$/;

export async function redirectRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { library } = deps;
  const staticRoot = resolve(deps.config.staticDir);
  /** `/post/<name>/<file>` for a Hugo-style path to a bundle's file that the static folder does not have. */
  const bundleFile = (path: string): string | undefined => {
    const match = SECTION_BUNDLE_FILE.exec(path);
    if (!match || match[1] === 'post' || !library.get(match[2] ?? '')?.bundleDir) return undefined;
    const file = safeFilePath(path);
    if (file === undefined || existsSync(resolve(staticRoot, file))) return undefined;
    return `/post/${match[2]}/${match[3]}`;
  };
  // A hook on the whole app (see skip-override below), not a route: an alias can be any path, /post/<old-slug> too.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    // Live content and app routes win over an alias: it only fills paths that would otherwise be missing.
    const route = request.routeOptions.url;
    if (route !== undefined && !YIELDING_ROUTES.has(route)) return done();
    if (route === '/post/:slug' && library.get((request.params as { slug: string }).slug)) return done();
    const path = rawPath(request.url);
    const moved = route === '/*' ? bundleFile(path) : undefined;
    if (moved !== undefined) return void reply.header('cache-control', 'public, max-age=3600').redirect(moved, 301);
    const target = library.byAlias(path);
    if (!target || (route === '/*' && library.get(path.slice(1))?.kind === 'page')) return done();
    const location = postUrl(target);
    if (samePath(location, path)) return done();
    void reply.header('cache-control', 'public, max-age=3600').redirect(location, 301);
  });
}

/** `/a/` and `/a` are one path here: a post listing its own URL as an alias must not redirect to itself. */
const samePath = (a: string, b: string): boolean => (a.replace(/\/+$/, '') || '/') === (b.replace(/\/+$/, '') || '/');

// Fastify's documented opt-out of encapsulation (what fastify-plugin sets), so the hook sees every route.
Object.assign(redirectRoutes, { [Symbol.for('skip-override')]: true });
