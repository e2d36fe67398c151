// `/post/:slug`: each post page rendered once per version (and per site identity), with token and count spliced in.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { postTopic } from '../../counting/topics.js';
import type { Post } from '../../posts/post.js';
import type { PostRenderer } from '../../posts/render.js';
import { SplicedPages } from '../page-splice.js';
import { layout, postPage } from '../views/pages.js';
import type { WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

export async function postsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, library, renderer, counter, signer, site } = deps;
  let postPages = new SplicedPages<Post>();
  let siteVersion = site.version;
  // Once the highlighter is warm, post pages are answered synchronously: no promise per request.
  let warm: PostRenderer | undefined;
  renderer.then(
    (ready) => (warm = ready),
    () => undefined,
  );
  const sendPost = (post: Post, count: number, ready: PostRenderer, reply: FastifyReply) => {
    // A changed readcount.yml (title, nav, footer) makes every cached page stale at once.
    if (site.version !== siteVersion) {
      postPages = new SplicedPages<Post>();
      siteVersion = site.version;
    }
    // The page is built once per post version; each request only splices in its token and the committed count.
    const html = postPages.page(post, signer.issue(postTopic(post.slug)), count, (token, shown) =>
      layout(
        {
          title: post.title,
          ...siteMeta(deps, `/post/${post.slug}`),
          description: post.description,
          token,
          live: postTopic(post.slug),
          readAfterMs: config.readAfterMs,
          ghosts: config.ghosts && post.ghosts !== false,
        },
        postPage(post, ready.render(post), shown),
      ),
    );
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  };
  app.get<{ Params: { slug: string } }>('/post/:slug', (request, reply) => {
    const post = library.get(request.params.slug);
    const count = post && counter.count(post.slug);
    if (!post || count === undefined) return reply.callNotFound();
    // A post whose code needs a grammar not loaded yet waits for it once; every later request is synchronous.
    if (warm && !warm.prepare(post)) return sendPost(post, count, warm, reply);
    return renderer.then(async (ready) => {
      await ready.prepare(post);
      return sendPost(post, counter.count(post.slug) ?? count, ready, reply);
    });
  });
}
