// `/archive`, `/archive/<year>/` and its `/page/<n>/`: the blog's posts by date, titles and counts only, so it stays small.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { archiveIndex, archivePage, archiveYearPage, archiveYearUrl } from '../views/archive-page.js';
import type { RawHtml } from '../views/html.js';
import { layout } from '../views/pages.js';
import { type PageLinks, pageOf, pagePath } from '../views/pagination.js';
import type { WebPluginOptions } from './deps.js';
import { PAGE_NUMBER } from './list-page.js';
import { siteMeta } from './page-meta.js';

interface YearParams {
  readonly year: string;
  readonly page?: string;
}

export async function archiveRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, library, counter } = deps;
  const send = (reply: FastifyReply, title: string, path: string, body: RawHtml, pages?: PageLinks) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout({ title, ...siteMeta(deps, path), ...(pages ? { pages } : {}) }, body));

  // Past ARCHIVE_PAGE_MAX posts, one page would outgrow what a phone should load: `/archive` lists the years.
  app.get('/archive', (_request, reply) => {
    const labels = deps.site.current.labels;
    const posts = library.list();
    const body = archivePage(posts, counter.counts(), labels, posts.length > config.archivePageMax);
    return send(reply, labels.t('archive'), '/archive', body);
  });
  // A year is paged by ARCHIVE_PAGE_MAX too, like the index by PAGE_SIZE: page 1 is the year's own URL.
  const year = (request: { params: YearParams }, reply: FastifyReply) => {
    const { year: rawYear, page: rawPage } = request.params;
    if (!/^[0-9]{4}$/.test(rawYear) || (rawPage !== undefined && !PAGE_NUMBER.test(rawPage)))
      return reply.callNotFound();
    const wanted = Number(rawYear);
    const first = archiveYearUrl(wanted);
    if (rawPage === '1') return reply.redirect(first, 301);
    const posts = archiveIndex(library.list()).get(wanted);
    const page = Number(rawPage ?? 1);
    const slice = posts && pageOf(posts, page, config.archivePageMax);
    if (!slice) return reply.callNotFound();
    const labels = deps.site.current.labels;
    const links = { page, pages: slice.pages, first };
    const body = archiveYearPage(wanted, slice.items, counter.counts(), labels, links);
    const title = `${labels.t('archive')}: ${wanted}${page > 1 ? ` · ${labels.t('page_of', { page, pages: slice.pages })}` : ''}`;
    return send(reply, title, pagePath(first, page), body, links);
  };
  for (const path of ['/archive/:year', '/archive/:year/', '/archive/:year/page/:page', '/archive/:year/page/:page/'])
    app.get<{ Params: YearParams }>(path, year);
}
