// `/archive` and `/archive/<year>/`: the blog's posts by date, titles and counts only, so it stays small.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { calendarDay } from '../../posts/date-text.js';
import { archivePage, archiveYearPage } from '../views/archive-page.js';
import type { RawHtml } from '../views/html.js';
import { layout } from '../views/pages.js';
import type { WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

export async function archiveRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, library, counter } = deps;
  const send = (reply: FastifyReply, title: string, path: string, body: RawHtml) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout({ title, ...siteMeta(deps, path) }, body));

  // Past ARCHIVE_PAGE_MAX posts, one page would outgrow what a phone should load: `/archive` lists the years.
  app.get('/archive', (_request, reply) => {
    const labels = deps.site.current.labels;
    const posts = library.list();
    const body = archivePage(posts, counter.counts(), labels, posts.length > config.archivePageMax);
    return send(reply, labels.t('archive'), '/archive', body);
  });
  const year = (request: { params: { year: string } }, reply: FastifyReply) => {
    if (!/^[0-9]{4}$/.test(request.params.year)) return reply.callNotFound();
    const wanted = Number(request.params.year);
    const posts = library.list().filter((post) => calendarDay(post).getUTCFullYear() === wanted);
    if (posts.length === 0) return reply.callNotFound();
    const labels = deps.site.current.labels;
    const body = archiveYearPage(wanted, posts, counter.counts(), labels);
    return send(reply, `${labels.t('archive')}: ${wanted}`, `/archive/${wanted}/`, body);
  };
  app.get<{ Params: { year: string } }>('/archive/:year', year);
  app.get<{ Params: { year: string } }>('/archive/:year/', year);
}
