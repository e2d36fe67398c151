// JSON API figures: /api/posts, /api/posts/:slug (daily series) and its sources; other periods need STATS_TOKEN.
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
import { sendError } from '../http-errors.js';
import { authorized, type WebPluginOptions } from './deps.js';

export async function apiStatsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config } = deps;
  const badDays = `days must be one of ${PERIODS.join(', ')}`;
  /** The API's engagement fields over a period (the histograms and sources have routes of their own). */
  const headline = ({ views, readRatio, medianVisibleMs, readThrough }: EngagementFigures) => ({
    views,
    readRatio,
    medianVisibleMs,
    readThrough,
  });
  type PeriodRequest = { Querystring: { days?: string; token?: string } };
  const allowed = (request: { headers: Record<string, unknown>; query: { token?: string } }) =>
    authorized(config.statsToken, request.headers, request.query.token);

  // The list stays public (totals and the default period's figures, like the badge); another period needs the token.
  app.get<PeriodRequest>('/api/posts', async (request, reply) => {
    if (request.query.days !== undefined && !allowed(request)) return sendError(reply, 'unauthorized');
    const days = parsePeriod(request.query.days);
    if (days === null) return sendError(reply, 'bad_request', { message: badDays });
    const period = days ?? DEFAULT_PERIOD;
    const posts = await summarizeAll(deps);
    const engaged = await Promise.all(posts.map((post) => postEngagement(deps.store, post.slug, period)));
    return { days: period, posts: posts.map((post, i) => ({ ...post, ...headline(engagedAt(engaged, i)) })) };
  });

  type DetailRequest = { Params: { slug: string }; Querystring: { days?: string; token?: string } };
  app.get<DetailRequest>('/api/posts/:slug', async (request, reply) => {
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return sendError(reply, 'not_found');
    // STATS_TOKEN keeps the per-day series (reads and views) private; the summary and the default period's figures
    // stay public like the list, the badge and the post pages.
    if (!allowed(request)) {
      if (request.query.days !== undefined) return sendError(reply, 'unauthorized');
      const { figures } = await postEngagement(deps.store, slug, DEFAULT_PERIOD);
      return { ...(await summarize(deps, page)), days: DEFAULT_PERIOD, ...headline(figures) };
    }
    const days = parsePeriod(request.query.days);
    if (days === null) return sendError(reply, 'bad_request', { message: badDays });
    const period = days ?? DEFAULT_PERIOD;
    const { series, figures } = await postEngagement(deps.store, slug, period);
    const daily = (await dailySeries(deps.store, slug, period)).map((row, i) => ({
      ...row,
      views: series[i]?.views ?? 0,
    }));
    return { ...(await summarize(deps, page)), days: period, ...headline(figures), daily };
  });

  /** Where a post's views and reads came from: per-day data underneath, so behind STATS_TOKEN as the series are. */
  app.get<DetailRequest>('/api/posts/:slug/sources', async (request, reply) => {
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return sendError(reply, 'not_found');
    if (!allowed(request)) return sendError(reply, 'unauthorized');
    const days = parsePeriod(request.query.days);
    if (days === null) return sendError(reply, 'bad_request', { message: badDays });
    const period = days ?? DEFAULT_PERIOD;
    const { figures } = await postEngagement(deps.store, slug, period, { topSources: 50 });
    return { slug, days: period, sources: figures.sources };
  });
}

function engagedAt(list: readonly { figures: EngagementFigures }[], index: number): EngagementFigures {
  const found = list[index];
  if (!found) throw new Error('engagement missing for a post');
  return found.figures;
}
