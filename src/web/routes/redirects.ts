// Old URLs keep working: a post's `aliases` (and `redirect_from`, `permalink`) answer 301 to where it lives now.
import type { FastifyInstance } from 'fastify';
import { rawPath } from '../static-files.js';
import { postUrl } from '../urls.js';
import type { WebPluginOptions } from './deps.js';

/** Routes an alias may take over: the catch-all, and post/bundle URLs when no post answers there. */
const YIELDING_ROUTES = new Set(['/*', '/post/:slug', '/post/:slug/*']);

export async function redirectRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { library } = deps;
  // A hook on the whole app (see skip-override below), not a route: an alias can be any path, /post/<old-slug> too.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    // Live content and app routes win over an alias: it only fills paths that would otherwise be missing.
    const route = request.routeOptions.url;
    if (route !== undefined && !YIELDING_ROUTES.has(route)) return done();
    if (route === '/post/:slug' && library.get((request.params as { slug: string }).slug)) return done();
    const path = rawPath(request.url);
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
