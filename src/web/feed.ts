// Atom (/feed.xml) and RSS (/rss.xml) feeds carrying whole posts with absolute URLs; tag feeds reuse the same builder.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import type { Config } from '../config.js';
import type { PostLibrary } from '../posts/library.js';
import type { Post } from '../posts/post.js';
import type { PostRenderer } from '../posts/render.js';
import { absoluteUrl, configuredBase, rewriteUrls, siteBase } from './absolute-urls.js';
import { atomXml, type FeedEntry } from './atom.js';
import { contentIndex, postUrl } from './content-index.js';
import { bundleUrl, postBodyHtml } from './post-view.js';

const FEED_SIZE = 20;

export interface FeedDeps {
  readonly config: Config;
  readonly library: PostLibrary;
  readonly renderer: Promise<PostRenderer>;
}

export interface FeedRequest {
  readonly title: string;
  /** Path of the page the feed mirrors (`/` or `/tags/x`) and of the feed itself. */
  readonly pagePath: string;
  readonly feedPath: string;
  readonly posts: readonly Post[];
}

/** Reads optional site settings without requiring them to exist in Config. */
export const siteSetting = (config: object, name: 'siteTitle' | 'siteAuthor'): string | undefined => {
  const value = (config as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Without SITE_URL the feed's URLs came from the request's Host, so no shared cache may keep it. */
const cacheControl = (config: object): string =>
  configuredBase(config) !== undefined ? 'public, max-age=300' : 'private, no-cache';

export async function feedEntries(deps: FeedDeps, posts: readonly Post[], base: string): Promise<FeedEntry[]> {
  const renderer = await deps.renderer;
  const author = siteSetting(deps.config, 'siteAuthor');
  return posts.slice(0, FEED_SIZE).map((post) => {
    const url = `${base}${postUrl(post)}`;
    return {
      title: post.title,
      url,
      date: post.date,
      summary: post.description,
      html: rewriteUrls(postBodyHtml(post, renderer), postUrl(post), base),
      tags: post.tags,
      ...(author ? { author } : {}),
      ...(post.image ? { image: absoluteUrl(post.image, bundleUrl(post), base) } : {}),
    };
  });
}

export async function sendAtom(deps: FeedDeps, feed: FeedRequest, request: FastifyRequest, reply: FastifyReply) {
  const base = siteBase(deps.config, request);
  const entries = await feedEntries(deps, feed.posts, base);
  const xml = atomXml({
    title: feed.title,
    id: `${base}${feed.pagePath}`,
    self: `${base}${feed.feedPath}`,
    author: siteSetting(deps.config, 'siteAuthor') ?? feed.title,
    entries,
  });
  return reply.type('application/atom+xml; charset=utf-8').header('cache-control', cacheControl(deps.config)).send(xml);
}

async function rssXml(deps: FeedDeps, siteTitle: string, base: string): Promise<string> {
  const posts = contentIndex(deps.library.list()).posts;
  const author = siteSetting(deps.config, 'siteAuthor');
  const feed = new Feed({
    title: siteTitle,
    id: `${base}/`,
    link: `${base}/`,
    copyright: '',
    updated: posts[0]?.date ?? new Date(0),
    feedLinks: { atom: `${base}/feed.xml`, rss: `${base}/rss.xml` },
  });
  for (const entry of await feedEntries(deps, posts, base)) {
    feed.addItem({
      title: entry.title,
      id: entry.url,
      link: entry.url,
      description: entry.summary,
      content: entry.html,
      date: entry.date,
      category: entry.tags.map((tag) => ({ name: tag })),
      ...(author ? { author: [{ name: author }] } : {}),
      ...(entry.image ? { image: entry.image } : {}),
    });
  }
  return feed.rss2();
}

/** Atom at /feed.xml and RSS 2.0 at /rss.xml, from the same entries; pages are never in them. */
export async function feedRoutes(app: FastifyInstance, { deps, siteTitle }: { deps: FeedDeps; siteTitle: string }) {
  const title = () => siteSetting(deps.config, 'siteTitle') ?? siteTitle;
  app.get('/feed.xml', (request, reply) =>
    sendAtom(
      deps,
      { title: title(), pagePath: '/', feedPath: '/feed.xml', posts: contentIndex(deps.library.list()).posts },
      request,
      reply,
    ),
  );
  app.get('/rss.xml', async (request, reply) => {
    const xml = await rssXml(deps, title(), siteBase(deps.config, request));
    return reply
      .type('application/rss+xml; charset=utf-8')
      .header('cache-control', cacheControl(deps.config))
      .send(xml);
  });
}
