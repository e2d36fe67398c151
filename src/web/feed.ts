// Atom feed of the published posts at /feed.xml, built with the `feed` library.
import type { FastifyInstance } from 'fastify';
import { Feed } from 'feed';
import type { PostLibrary } from '../posts/library.js';

const FEED_SIZE = 20;

export function registerFeed(app: FastifyInstance, library: PostLibrary, siteTitle: string): void {
  app.get('/feed.xml', (request, reply) => {
    const base = `${request.protocol}://${request.host}`;
    const posts = library.list().slice(0, FEED_SIZE);
    const feed = new Feed({
      title: siteTitle,
      id: `${base}/`,
      link: `${base}/`,
      copyright: '',
      updated: posts[0]?.date ?? new Date(0),
      feedLinks: { atom: `${base}/feed.xml` },
    });
    for (const post of posts) {
      feed.addItem({ title: post.title, id: `${base}/post/${post.slug}`, link: `${base}/post/${post.slug}`, description: post.description, date: post.date });
    }
    void reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(feed.atom1());
  });
}
