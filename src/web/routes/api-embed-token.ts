// `/api/embed/token`: a page-view token for an embedded counter, only for pages on EMBED_ORIGINS.
import type { FastifyInstance } from 'fastify';
import { postTopic } from '../../counting/topics.js';
import { isValidSlug } from '../../posts/post.js';
import { findPage } from '../../stats/summary.js';
import { sendError } from '../http-errors.js';
import type { WebPluginOptions } from './deps.js';

export async function apiEmbedTokenRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, signer } = deps;
  /**
   * A page-view token for an embedded counter. Only pages on EMBED_ORIGINS get one, and a registered
   * external page only from its own origin (and path, when given), so counts exist only for allowed pages.
   */
  app.get<{ Querystring: { slug?: string; path?: string } }>('/api/embed/token', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const origin = request.headers.origin;
    const { slug = '', path } = request.query;
    if (origin === undefined || !config.embedOrigins.includes(origin)) return sendError(reply, 'forbidden_origin');
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return sendError(reply, 'not_found');
    const site = deps.sites.get(slug);
    if (site && (site.origin !== origin || (typeof path === 'string' && path !== site.path))) {
      return sendError(reply, 'forbidden_origin');
    }
    return {
      slug,
      token: signer.issue(postTopic(slug)),
      readAfterMs: config.readAfterMs,
      count: deps.counter.count(slug) ?? 0,
    };
  });
}
