// One page of a paged post list (the index, a tag): `/page/<n>/` under the list's path, live counts like the index.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Post } from '../../posts/post.js';
import type { RawHtml } from '../views/html.js';
import { indexPage, layout, type PageMeta } from '../views/pages.js';
import { pageOf, pagePath } from '../views/pagination.js';
import type { WebDeps } from './deps.js';
import { siteMeta } from './page-meta.js';

export interface ListRequest {
  readonly title: string;
  /** The list's first page: `/` or `/tags/<key>`. */
  readonly first: string;
  readonly posts: readonly Post[];
  readonly heading?: RawHtml;
  readonly description?: string;
}

/** `/page/2/` and `/page/2` both; digits only, so `/page/02/` or `/page/x/` are not pages. */
export const PAGE_NUMBER = /^[1-9][0-9]{0,6}$/;

export function sendList(deps: WebDeps, reply: FastifyReply, list: ListRequest, rawPage?: string): unknown {
  const { config, counter, signer } = deps;
  if (rawPage !== undefined && !PAGE_NUMBER.test(rawPage)) return reply.callNotFound();
  const page = rawPage === undefined ? 1 : Number(rawPage);
  // Page 1 lives at the list's own URL; a second address for it would be duplicate content.
  if (rawPage !== undefined && page === 1) return reply.redirect(list.first, 301);
  const slice = pageOf(list.posts, page, config.pageSize);
  if (!slice) return reply.callNotFound();
  const meta = siteMeta(deps, pagePath(list.first, page));
  const links = { page, pages: slice.pages, first: list.first };
  const labels = deps.site.current.labels;
  const body = indexPage(slice.items, counter.counts(), {
    labels,
    ...(list.heading ? { heading: list.heading } : {}),
    pages: links,
  });
  const title = page > 1 ? `${list.title} · ${labels.t('page_of', { page, pages: slice.pages })}` : list.title;
  const pageMeta: PageMeta = {
    ...meta,
    title,
    ...(list.description ? { description: list.description } : {}),
    token: signer.issue('index'),
    live: 'index',
    pages: links,
  };
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout(pageMeta, body));
}

/** Registers `<first>/page/:page/` (and without the slash) for a list whose first page another route serves. */
export function pagedRoutes<P extends Record<string, string>>(
  app: FastifyInstance,
  prefix: string,
  handler: (request: FastifyRequest<{ Params: P & { page: string } }>, reply: FastifyReply) => unknown,
): void {
  app.get(`${prefix}/page/:page`, handler as never);
  app.get(`${prefix}/page/:page/`, handler as never);
}
