// JSON API: /api/posts, /api/posts/:slug (with daily series) and its receipt, plus page-view tokens for embeds; CORS for EMBED_ORIGINS, ETags.

import fastifyCors from '@fastify/cors';
import fastifyEtag from '@fastify/etag';
import type { FastifyInstance } from 'fastify';
import { postTopic } from '../../counting/topics.js';
import { isValidSlug } from '../../posts/post.js';
import {
  DEFAULT_PERIOD,
  dailySeries,
  findPage,
  PERIODS,
  parsePeriod,
  summarize,
  summarizeAll,
} from '../../stats/summary.js';
import { sendError } from '../http-errors.js';
import { authorized, type WebPluginOptions } from './deps.js';

export async function apiRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, signer } = deps;
  await app.register(fastifyCors, {
    origin: config.embedOrigins.length > 0 ? [...config.embedOrigins] : false,
    methods: ['GET'],
    maxAge: 600,
  });
  await app.register(fastifyEtag);
  // Clients may keep a copy but must revalidate: the ETag makes that a cheap 304.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-cache');
  });

  app.get('/api/posts', async () => ({ posts: await summarizeAll(deps) }));

  type DetailRequest = { Params: { slug: string }; Querystring: { days?: string; token?: string } };
  app.get<DetailRequest>('/api/posts/:slug', async (request, reply) => {
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return sendError(reply, 'not_found');
    // STATS_TOKEN keeps the per-day series private; total and today stay public like the badge and the post pages.
    if (!authorized(config.statsToken, request.headers, request.query.token)) {
      if (request.query.days !== undefined) return sendError(reply, 'unauthorized');
      return summarize(deps, page);
    }
    const days = parsePeriod(request.query.days);
    if (days === null) return sendError(reply, 'bad_request', { message: `days must be one of ${PERIODS.join(', ')}` });
    const period = days ?? DEFAULT_PERIOD;
    return { ...(await summarize(deps, page)), days: period, daily: await dailySeries(deps.store, slug, period) };
  });

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
    };
  });
}
