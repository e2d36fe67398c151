// `/stats` and `/stats/<slug>`: the dashboards (optionally behind STATS_TOKEN), and each row chart alone for the live script.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isValidSlug } from '../../posts/post.js';
import { type DashboardQuery, dashboardPage, postRow, SORT_KEYS, type SortKey } from '../../stats/dashboard.js';
import { DEFAULT_PERIOD, dailySeries, findPage, type Period, parsePeriod, summarize } from '../../stats/summary.js';
import { sendError } from '../http-errors.js';
import { layout } from '../views/pages.js';
import { dailyChartSvg } from '../views/stats-chart.js';
import { statsPage } from '../views/stats-page.js';
import { statsPostPage } from '../views/stats-post-page.js';
import { authorized, type WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

type StatsRequest = FastifyRequest<{
  Querystring: { days?: string; token?: string; q?: string; sort?: string; order?: string; page?: string };
}>;

/** Longer searches are cut: a title search never needs more, and the page echoes it back. */
const MAX_SEARCH_CHARS = 100;
/** The highest `page` of the /stats table accepted; a higher one is refused (400). */
const MAX_PAGE = 100_000;

/** The table's search, sort and page from the query string, or the one-line reason it is not valid. */
function dashboardQuery(raw: StatsRequest['query'], period: Period, rowsPerPage: number): DashboardQuery | string {
  const sort = raw.sort ?? 'views';
  if (!(SORT_KEYS as readonly string[]).includes(sort)) return `sort must be one of ${SORT_KEYS.join(', ')}`;
  const order = raw.order ?? (sort === 'title' ? 'asc' : 'desc');
  if (order !== 'asc' && order !== 'desc') return 'order must be asc or desc';
  const page = raw.page === undefined || raw.page === '' ? 1 : Number(raw.page);
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE)
    return `page must be a whole number from 1 to ${MAX_PAGE}`;
  const search = typeof raw.q === 'string' ? raw.q.slice(0, MAX_SEARCH_CHARS) : '';
  return { period, search, sort: sort as SortKey, order, page, rowsPerPage };
}

export async function statsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, signer, store } = deps;

  /** The period asked for, or undefined after answering 401/400 itself. */
  function gate(request: Pick<StatsRequest, 'headers' | 'query'>, reply: FastifyReply): Period | undefined {
    if (!authorized(config.statsToken, request.headers, request.query.token)) {
      sendError(reply, 'unauthorized', { as: 'text', message: deps.site.current.labels.t('stats_needs_token') });
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
    const query = dashboardQuery(request.query, period, config.statsPageRows);
    if (typeof query === 'string') return sendError(reply, 'bad_request', { as: 'text', message: query });
    const data = await dashboardPage(deps, query);
    const token = config.statsToken && typeof request.query.token === 'string' ? request.query.token : undefined;
    const labels = deps.site.current.labels;
    const body = statsPage(data, query, tokenQueryOf(request), token, labels);
    return reply.type('text/html; charset=utf-8').send(
      layout(
        {
          title: labels.t('stats'),
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
    if (!page) return sendError(reply, 'not_found', { as: 'text', message: deps.site.current.labels.t('not_found') });
    const { row } = await postRow(store, await summarize(deps, page), period, Date.now(), 20);
    const labels = deps.site.current.labels;
    return reply.type('text/html; charset=utf-8').send(
      layout(
        {
          title: labels.t('stats_of', { title: page.title }),
          ...siteMeta(deps),
          token: signer.issue('stats'),
          live: 'posts',
          script: '/_readcount/stats-post.js',
        },
        statsPostPage(row, period, tokenQueryOf(request), labels),
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
      if (!page) return sendError(reply, 'not_found', { as: 'text', message: deps.site.current.labels.t('not_found') });
      return reply
        .type('image/svg+xml; charset=utf-8')
        .send(dailyChartSvg(await dailySeries(store, slug, period), { title: page.title }));
    },
  );
}
