// `/stats` and `/stats/<slug>`: the dashboards (optionally behind STATS_TOKEN), and each row chart alone for the live script.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isValidSlug } from '../../posts/post.js';
import { dashboardData, postRow } from '../../stats/dashboard.js';
import { DEFAULT_PERIOD, dailySeries, findPage, type Period, parsePeriod, summarize } from '../../stats/summary.js';
import { sendError } from '../http-errors.js';
import { layout } from '../views/pages.js';
import { dailyChartSvg } from '../views/stats-chart.js';
import { statsPage } from '../views/stats-page.js';
import { statsPostPage } from '../views/stats-post-page.js';
import { authorized, type WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

type StatsRequest = FastifyRequest<{ Querystring: { days?: string; token?: string } }>;

export async function statsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, signer, store } = deps;

  /** The period asked for, or undefined after answering 401/400 itself. */
  function gate(request: Pick<StatsRequest, 'headers' | 'query'>, reply: FastifyReply): Period | undefined {
    if (!authorized(config.statsToken, request.headers, request.query.token)) {
      sendError(reply, 'unauthorized', { as: 'text', message: 'This dashboard needs ?token= (STATS_TOKEN).' });
      return undefined;
    }
    const period = parsePeriod(request.query.days);
    if (period === null) {
      sendError(reply, 'bad_request', { as: 'text', message: 'days must be 30, 90 or 365' });
      return undefined;
    }
    void reply.header('cache-control', 'no-store');
    return period ?? DEFAULT_PERIOD;
  }

  app.get('/stats', async (request: StatsRequest, reply) => {
    const period = gate(request, reply);
    if (period === undefined) return reply;
    const { rows: posts, site } = await dashboardData(deps, period);
    const rows = posts.map((row) => ({
      ...row,
      chartSvg: dailyChartSvg(
        row.series.map(({ day, reads }) => ({ day, count: reads })),
        { title: row.summary.title },
      ),
    }));
    const body = statsPage(rows, site, period, tokenQueryOf(request));
    return reply.type('text/html; charset=utf-8').send(
      layout(
        {
          title: 'Stats',
          ...siteMeta(deps),
          token: signer.issue('stats'),
          live: 'posts',
          script: '/_readcount/stats.js',
        },
        body,
      ),
    );
  });

  app.get<{ Params: { slug: string }; Querystring: StatsRequest['query'] }>('/stats/:slug', async (request, reply) => {
    const period = gate(request, reply);
    if (period === undefined) return reply;
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return sendError(reply, 'not_found', { as: 'text', message: 'no such post' });
    const { row } = await postRow(store, await summarize(deps, page), period, Date.now(), 20);
    return reply.type('text/html; charset=utf-8').send(
      layout(
        {
          title: `Stats: ${page.title}`,
          ...siteMeta(deps),
          token: signer.issue('stats'),
          live: 'posts',
          script: '/_readcount/stats-post.js',
        },
        statsPostPage(row, period, tokenQueryOf(request)),
      ),
    );
  });

  function tokenQueryOf(request: Pick<StatsRequest, 'query'>): string {
    return config.statsToken && typeof request.query.token === 'string'
      ? `&token=${encodeURIComponent(request.query.token)}`
      : '';
  }

  app.get<{ Params: { slug: string }; Querystring: StatsRequest['query'] }>(
    '/stats/chart/:slug.svg',
    async (request, reply) => {
      const period = gate(request, reply);
      if (period === undefined) return reply;
      const { slug } = request.params;
      const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
      if (!page) return sendError(reply, 'not_found', { as: 'text', message: 'no such post' });
      return reply
        .type('image/svg+xml; charset=utf-8')
        .send(dailyChartSvg(await dailySeries(store, slug, period), { title: page.title }));
    },
  );
}
