// Old URLs keep working: a post's `aliases` (and `redirect_from`, `permalink`) answer 301 to where it lives now.
import type { FastifyInstance } from 'fastify';
import type { PostLibrary } from '../../posts/library.js';
import { aliasKey, contentIndex, postUrl } from '../content-index.js';
import { rawPath } from '../static-files.js';

/** Routes an alias may take over: the catch-all, and post/bundle URLs when no post answers there. */
const YIELDING_ROUTES = new Set(['/*', '/post/:slug', '/post/:slug/*']);

export async function redirectRoutes(app: FastifyInstance, { library }: { library: PostLibrary }): Promise<void> {
  // A hook on the whole app (see skip-override below), not a route: an alias can be any path, including /post/<old-slug>.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    const index = contentIndex(library.list());
    if (index.aliases.size === 0) return done();
    const key = aliasKey(rawPath(request.url));
    const target = key === undefined ? undefined : index.aliases.get(key);
    const route = request.routeOptions.url;
    // Live content and app routes win over an alias: it only fills paths that would otherwise be missing.
    if (!target || (route !== undefined && !YIELDING_ROUTES.has(route))) return done();
    const location = postUrl(target);
    if (aliasKey(location) === key || (route === '/post/:slug' && library.get(key?.slice(6) ?? ''))) return done();
    void reply.header('cache-control', 'public, max-age=3600').redirect(location, 301);
  });
}

// Fastify's documented opt-out of encapsulation (what fastify-plugin sets), so the hook sees every route.
Object.assign(redirectRoutes, { [Symbol.for('skip-override')]: true });
