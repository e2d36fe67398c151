// `/tags` (every tag and its post count), `/tags/<tag>` (its posts, counts live like the index) and its Atom feed.
import type { FastifyInstance } from 'fastify';
import type { TokenSigner } from '../../live/token.js';
import type { ReadCounter } from '../../store/read-counter.js';
import { contentIndex, tagUrl } from '../content-index.js';
import { type FeedDeps, sendAtom, siteSetting } from '../feed.js';
import type { Layout } from '../post-view.js';
import { indexPage } from '../views/pages.js';
import { tagHeading, tagsPage } from '../views/tags-page.js';

export interface TagDeps extends FeedDeps {
  readonly counter: ReadCounter;
  readonly signer: TokenSigner;
  readonly layout: Layout;
}

export async function tagRoutes(app: FastifyInstance, { deps, siteTitle }: { deps: TagDeps; siteTitle: string }) {
  const { library, counter, signer, layout } = deps;
  app.get('/tags', (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout('Tags', tagsPage(contentIndex(library.list()).tags), {})),
  );

  app.get<{ Params: { tag: string } }>('/tags/:tag', (request, reply) => {
    const { tag } = request.params;
    const posts = contentIndex(library.list()).tags.get(tag);
    if (!posts) return reply.callNotFound();
    const body = indexPage(posts, counter.counts(), tagHeading(tag, posts.length));
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout(`Tagged “${tag}”`, body, { token: signer.issue('index'), live: 'index' }));
  });

  app.get<{ Params: { tag: string } }>('/tags/:tag/feed.xml', (request, reply) => {
    const { tag } = request.params;
    const posts = contentIndex(library.list()).tags.get(tag);
    if (!posts) return reply.callNotFound();
    const site = siteSetting(deps.config, 'siteTitle') ?? siteTitle;
    const pagePath = tagUrl(tag);
    return sendAtom(
      deps,
      { title: `${site}: ${tag}`, pagePath, feedPath: `${pagePath}/feed.xml`, posts },
      request,
      reply,
    );
  });
}
