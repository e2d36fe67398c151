// `/preview/<key>`: a draft or scheduled post for its author, never indexed, never counted, linked from nowhere.
import type { FastifyInstance } from 'fastify';
import { PREVIEW_PREFIX } from '../preview-keys.js';
import { layout, postPage } from '../views/pages.js';
import type { WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

export async function previewRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { library, renderer, previewKeys } = deps;
  if (!previewKeys) return;
  app.get<{ Params: { key: string } }>(`${PREVIEW_PREFIX}:key`, async (request, reply) => {
    const post = previewKeys.find(request.params.key, library.unpublished());
    if (!post) return reply.callNotFound();
    const ready = await renderer;
    await ready.prepare(post);
    const labels = deps.site.current.labels;
    // No token and no live topic: the page loads no script, so nothing on it can count a read or a view.
    const page = layout(
      { title: post.title, ...siteMeta(deps), description: post.description, noindex: true },
      postPage(post, ready.render(post), 0, { labels, preview: true }),
    );
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('x-robots-tag', 'noindex, nofollow')
      .header('referrer-policy', 'no-referrer')
      .send(page);
  });
}
