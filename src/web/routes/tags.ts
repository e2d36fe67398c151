// `/tags` (every tag and its post count) and `/tags/<tag>` (its posts, counts live like the index); feeds.ts: its feed.
import type { FastifyInstance } from 'fastify';
import { tagKey } from '../../posts/library.js';
import { tagUrl } from '../urls.js';
import { layout } from '../views/pages.js';
import { tagHeading, tagsPage } from '../views/tags-page.js';
import type { WebPluginOptions } from './deps.js';
import { type ListRequest, pagedRoutes, sendList } from './list-page.js';
import { siteMeta } from './page-meta.js';

export async function tagsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { library } = deps;

  app.get('/tags', (_request, reply) => {
    const labels = deps.site.current.labels;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout({ title: labels.t('tags'), ...siteMeta(deps, '/tags') }, tagsPage(library.tags(), labels)));
  });

  // Any spelling of a tag (`/tags/Rust%20Lang`) finds the tag whose key it has (`rust-lang`).
  const tagList = (raw: string): ListRequest | undefined => {
    const key = tagKey(raw);
    const tag = library.tag(key);
    if (!tag) return undefined;
    const labels = deps.site.current.labels;
    return {
      title: labels.t('tagged', { name: tag.name }),
      first: tagUrl(key),
      posts: library.byTag(key),
      heading: tagHeading(tag, labels),
    };
  };
  app.get<{ Params: { tag: string } }>('/tags/:tag', (request, reply) => {
    const list = tagList(request.params.tag);
    return list ? sendList(deps, reply, list) : reply.callNotFound();
  });
  pagedRoutes<{ tag: string }>(app, '/tags/:tag', (request, reply) => {
    const list = tagList(request.params.tag);
    return list ? sendList(deps, reply, list, request.params.page) : reply.callNotFound();
  });
}
