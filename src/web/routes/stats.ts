// `/stats` and `/stats/<slug>`: the dashboards (optionally behind STATS_TOKEN), and each row chart alone for the live script.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_ERRORS } from '../../errors.js';
import { isValidSlug } from '../../posts/post.js';
import { dashboardData, postRow } from '../../stats/dashboard.js';
import { DEFAULT_PERIOD, dailySeries, findPage, type Period, parsePeriod, summarize } from '../../stats/summary.js';
import { layout } from '../views/pages.js';
import { dailyChartSvg } from '../views/stats-chart.js';
import { statsPage } from '../views/stats-page.js';
import { statsPostPage } from '../views/stats-post-page.js';
import { authorized, type DashboardDeps } from './deps.js';

type StatsRequest = FastifyRequest<{ Querystring: { days?: string; token?: string } }>;

export async function statsRoutes(
  app: FastifyInstance,
  { deps, siteTitle }: { deps: DashboardDeps; siteTitle: string },
): Promise<void> {
  const { config, signer, store } = deps;

  /** The period asked for, or undefined after answering 401/400 itself. */
  function gate(request: StatsRequest, reply: FastifyReply): Period | undefined {
    if (!authorized(config.statsToken, request.headers, request.query.token)) {
      void reply
        .code(HTTP_ERRORS.unauthorized.status)
        .type('text/plain; charset=utf-8')
        .send('This dashboard needs ?token= (STATS_TOKEN).');
      return undefined;
    }
    const period = parsePeriod(request.query.days);
    if (period === null) {
      void reply.code(400).type('text/plain; charset=utf-8').send('days must be 30, 90 or 365');
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
    return reply
      .type('text/html; charset=utf-8')
      .send(
        layout(
          { title: 'Stats', siteTitle, token: signer.issue('stats'), live: 'posts', script: '/assets/stats.js' },
          body,
        ),
      );
  });

  app.get<{ Params: { slug: string } }>('/stats/:slug', async (request, reply) => {
    const period = gate(request as unknown as StatsRequest, reply);
    if (period === undefined) return reply;
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return reply.code(404).type('text/plain; charset=utf-8').send('no such post');
    const { row } = await postRow(store, await summarize(deps, page), period, Date.now(), 20);
    return reply.type('text/html; charset=utf-8').send(
      layout(
        {
          title: `Stats: ${page.title}`,
          siteTitle,
          token: signer.issue('stats'),
          live: 'posts',
          script: '/assets/stats-post.js',
        },
        statsPostPage(row, period, tokenQueryOf(request as unknown as StatsRequest)),
      ),
    );
  });

  function tokenQueryOf(request: StatsRequest): string {
    return config.statsToken && typeof request.query.token === 'string'
      ? `&token=${encodeURIComponent(request.query.token)}`
      : '';
  }

  app.get<{ Params: { slug: string } }>('/stats/chart/:slug.svg', async (request, reply) => {
    const period = gate(request as unknown as StatsRequest, reply);
    if (period === undefined) return reply;
    const { slug } = request.params;
    const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
    if (!page) return reply.code(404).type('text/plain; charset=utf-8').send('no such post');
    return reply
      .type('image/svg+xml; charset=utf-8')
      .send(dailyChartSvg(await dailySeries(store, slug, period), { title: page.title }));
  });
}
