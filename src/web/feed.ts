// Atom (/feed.xml) and RSS (/rss.xml) feeds of the published posts, built with the `feed` library.
import type { FastifyInstance } from 'fastify';
import { Feed } from 'feed';
import type { PostLibrary } from '../posts/library.js';

const FEED_SIZE = 20;

function buildFeed(library: PostLibrary, siteTitle: string, base: string): Feed {
  const posts = library.list().slice(0, FEED_SIZE);
  const feed = new Feed({
    title: siteTitle,
    id: `${base}/`,
    link: `${base}/`,
    copyright: '',
    updated: posts[0]?.date ?? new Date(0),
    feedLinks: { atom: `${base}/feed.xml`, rss: `${base}/rss.xml` },
  });
  for (const post of posts) {
    feed.addItem({
      title: post.title,
      id: `${base}/post/${post.slug}`,
      link: `${base}/post/${post.slug}`,
      description: post.description,
      date: post.date,
    });
  }
  return feed;
}

/** Atom at /feed.xml and RSS 2.0 at /rss.xml, from the same entries. */
export function registerFeed(app: FastifyInstance, library: PostLibrary, siteTitle: string): void {
  app.get('/feed.xml', (request, reply) => {
    const feed = buildFeed(library, siteTitle, `${request.protocol}://${request.host}`);
    void reply
      .type('application/atom+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(feed.atom1());
  });
  app.get('/rss.xml', (request, reply) => {
    const feed = buildFeed(library, siteTitle, `${request.protocol}://${request.host}`);
    void reply
      .type('application/rss+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(feed.rss2());
  });
}
