// `/post/:slug`: each post page rendered once per version (and per site identity), with token and count spliced in.
import type { FastifyInstance } from 'fastify';
import { PostResponder } from '../post-view.js';
import { appRouteOwns } from '../static-files.js';
import type { WebPluginOptions } from './deps.js';

export async function postsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { library } = deps;
  const responder = new PostResponder(deps);
  app.get<{ Params: { slug: string } }>('/post/:slug', (request, reply) => {
    const post = library.get(request.params.slug);
    if (!post) return reply.callNotFound();
    // A page lives at /<slug>, unless an app route owns that path (then it is not served at all; the log says so).
    if (post.kind === 'page') {
      return appRouteOwns(app, `/${post.slug}`) ? reply.callNotFound() : reply.redirect(`/${post.slug}`, 301);
    }
    return responder.send(post, request, reply);
  });
}
