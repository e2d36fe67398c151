// `/tags` (every tag and its post count) and `/tags/<tag>` (its posts, counts live like the index); feeds.ts: its feed.
import type { FastifyInstance } from 'fastify';
import { tagKey } from '../../posts/library.js';
import { indexPage, layout } from '../views/pages.js';
import { tagHeading, tagsPage } from '../views/tags-page.js';
import type { WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

export async function tagsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { library, counter, signer } = deps;

  app.get('/tags', (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(layout({ title: 'Tags', ...siteMeta(deps, '/tags') }, tagsPage(library.tags()))),
  );

  // Any spelling of a tag (`/tags/Rust%20Lang`) finds the tag whose key it has (`rust-lang`).
  app.get<{ Params: { tag: string } }>('/tags/:tag', (request, reply) => {
    const key = tagKey(request.params.tag);
    const tag = library.tags().find((summary) => summary.key === key);
    if (!tag) return reply.callNotFound();
    const posts = library.byTag(key);
    const body = indexPage(posts, counter.counts(), tagHeading(tag));
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        layout(
          {
            title: `Tagged “${tag.name}”`,
            ...siteMeta(deps, `/tags/${encodeURIComponent(key)}`),
            token: signer.issue('index'),
            live: 'index',
          },
          body,
        ),
      );
  });
}
