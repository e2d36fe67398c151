// The index, "how we count" and the 404 page: server-rendered HTML around the live numbers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_ERRORS } from '../../errors.js';
import { howWeCountProse } from '../../i18n/how-we-count-prose.js';
import { engagementReceiptSection } from '../views/engagement-receipt.js';
import { howWeCountPage } from '../views/how-we-count.js';
import { raw } from '../views/html.js';
import { layout, notFoundPage } from '../views/pages.js';
import { receiptLinks, receiptSection } from '../views/receipt.js';
import type { WebDeps, WebPluginOptions } from './deps.js';
import { type ListRequest, pagedRoutes, sendList } from './list-page.js';
import { siteMeta } from './page-meta.js';

/** The app-wide 404 (registered at the root by `webServer`: a plugin's own would only cover its routes). */
export const notFoundHandler =
  (deps: Pick<WebDeps, 'site'>) =>
  (_request: FastifyRequest, reply: FastifyReply): void => {
    void reply
      .code(HTTP_ERRORS.not_found.status)
      .type('text/html; charset=utf-8')
      .send(
        layout(
          { title: deps.site.current.labels.t('not_found'), ...siteMeta(deps) },
          notFoundPage(deps.site.current.labels),
        ),
      );
  };

export async function pagesRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, library, counter } = deps;

  const index = (): ListRequest => ({
    title: deps.site.current.title,
    first: '/',
    posts: library.list(),
    ...(deps.site.current.description ? { description: deps.site.current.description } : {}),
  });
  app.get('/', (_request, reply) => sendList(deps, reply, index()));
  pagedRoutes(app, '', (request, reply) => sendList(deps, reply, index(), request.params.page));

  app.get<{ Querystring: { post?: unknown } }>('/how-we-count', (request, reply) => {
    const post = typeof request.query.post === 'string' ? library.get(request.query.post) : undefined;
    const { labels } = deps.site.current;
    const words = howWeCountProse(labels.language);
    const count = (n: number) => labels.count(n);
    const receipt = post
      ? receiptSection(
          post,
          { ...deps.receipts.get(post.slug), total: counter.count(post.slug) ?? 0, since: deps.receipts.since },
          words,
          count,
        )
      : receiptLinks(library.list(), words);
    const engaged =
      post && deps.engagement
        ? engagementReceiptSection(deps.engagement.receipts.get(post.slug), words, count).value
        : '';
    const page = howWeCountPage(words, labels.language, config.readAfterMs, config.countMode);
    const body = raw(page.value + receipt.value + engaged);
    void reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout({ title: labels.t('how_we_count'), ...siteMeta(deps, '/how-we-count') }, body));
  });
}
