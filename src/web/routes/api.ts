// JSON API: /api/posts and /api/posts/:slug (with daily series), plus page-view tokens for embeds; CORS for EMBED_ORIGINS, ETags.
import fastifyCors from '@fastify/cors';
import fastifyEtag from '@fastify/etag';
import type { FastifyInstance } from 'fastify';
import { isValidSlug } from '../../posts/post.js';
import { type EngagementFigures, postEngagement } from '../../stats/engagement-summary.js';
import {
  DEFAULT_PERIOD,
  dailySeries,
  findPage,
  PERIODS,
  parsePeriod,
  summarize,
  summarizeAll,
} from '../../stats/summary.js';
import type { DashboardDeps } from './deps.js';

export async function apiRoutes(app: FastifyInstance, { deps }: { deps: DashboardDeps }): Promise<void> {
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

  const badDays = { error: 'bad_request', message: `days must be one of ${PERIODS.join(', ')}` };
  /** The API's engagement fields over a period (the histograms and sources have routes of their own). */
  const headline = ({ views, readRatio, medianVisibleMs, readThrough }: EngagementFigures) => ({
    views,
    readRatio,
    medianVisibleMs,
    readThrough,
  });

  app.get<{ Querystring: { days?: string } }>('/api/posts', async (request, reply) => {
    const days = parsePeriod(request.query.days);
    if (days === null) return reply.code(400).send(badDays);
    const period = days ?? DEFAULT_PERIOD;
    const posts = await summarizeAll(deps);
    const engaged = await Promise.all(posts.map((post) => postEngagement(deps.store, post.slug, period)));
    return { days: period, posts: posts.map((post, i) => ({ ...post, ...headline(engagedAt(engaged, i)) })) };
  });

  app.get<{ Params: { slug: string }; Querystring: { days?: string } }>('/api/posts/:slug', async (request, reply) => {
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return reply.code(404).send({ error: 'not_found' });
    const days = parsePeriod(request.query.days);
    if (days === null) return reply.code(400).send(badDays);
    const period = days ?? DEFAULT_PERIOD;
    const { series, figures } = await postEngagement(deps.store, slug, period);
    const daily = (await dailySeries(deps.store, slug, period)).map((row, i) => ({
      ...row,
      views: series[i]?.views ?? 0,
    }));
    return { ...(await summarize(deps, page)), days: period, ...headline(figures), daily };
  });

  app.get<{ Params: { slug: string }; Querystring: { days?: string } }>(
    '/api/posts/:slug/sources',
    async (request, reply) => {
      const { slug } = request.params;
      const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
      if (!page) return reply.code(404).send({ error: 'not_found' });
      const days = parsePeriod(request.query.days);
      if (days === null) return reply.code(400).send(badDays);
      const period = days ?? DEFAULT_PERIOD;
      const { figures } = await postEngagement(deps.store, slug, period, { topSources: 50 });
      return { slug, days: period, sources: figures.sources };
    },
  );

  /**
   * A page-view token for an embedded counter. Only pages on EMBED_ORIGINS get one, and a registered
   * external page only from its own origin (and path, when given), so counts exist only for allowed pages.
   */
  app.get<{ Querystring: { slug?: string; path?: string } }>('/api/embed/token', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const origin = request.headers.origin;
    const { slug = '', path } = request.query;
    if (origin === undefined || !config.embedOrigins.includes(origin))
      return reply.code(403).send({ error: 'forbidden_origin' });
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return reply.code(404).send({ error: 'not_found' });
    const site = deps.sites.get(slug);
    if (site && (site.origin !== origin || (typeof path === 'string' && path !== site.path))) {
      return reply.code(403).send({ error: 'forbidden_origin' });
    }
    return {
      slug,
      token: signer.issue(`post:${slug}`),
      readAfterMs: config.readAfterMs,
      count: deps.counter.count(slug) ?? 0,
    };
  });
}

function engagedAt(list: readonly { figures: EngagementFigures }[], index: number): EngagementFigures {
  const found = list[index];
  if (!found) throw new Error('engagement missing for a post');
  return found.figures;
}
