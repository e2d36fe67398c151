// `/api/posts/:slug/receipt`: what this process counted and refused for a post, and why.
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http-errors.js';
import type { WebPluginOptions } from './deps.js';

export async function apiReceiptRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config } = deps;
  /** A post's receipt: reads counted and refused (by reason) since this process started, next to its total. */
  app.get<{ Params: { slug: string } }>('/api/posts/:slug/receipt', (request, reply) => {
    const post = deps.library.get(request.params.slug);
    if (!post) return sendError(reply, 'not_found');
    return {
      slug: post.slug,
      total: deps.counter.count(post.slug) ?? 0,
      since: deps.receipts.since.toISOString(),
      countMode: config.countMode,
      ...deps.receipts.get(post.slug),
      ...(deps.engagement ? { engagement: deps.engagement.receipts.get(post.slug) } : {}),
    };
  });
}
