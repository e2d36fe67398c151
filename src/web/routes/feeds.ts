// Atom (/feed.xml, /tags/<tag>/feed.xml), RSS (/rss.xml), JSON Feed (/feed.json) carrying whole posts, and /sitemap.xml; absolute URLs from
// SITE_URL, else from the request (then not publicly cacheable).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import { tagKey } from '../../posts/library.js';
import type { Post } from '../../posts/post.js';
import { postImagePath } from '../../posts/sanitize.js';
import { absoluteUrl, absoluteUrls } from '../absolute-urls.js';
import { atomXml, type FeedEntry } from '../atom.js';
import { BodyCache } from '../body-cache.js';
import { sendOnce } from '../compression.js';
import { jsonFeed } from '../json-feed.js';
import { OriginRanking } from '../origin-ranking.js';
import { feedBudgetBytes } from '../post-view.js';
import { appRouteOwns } from '../static-files.js';
import { postUrl, tagUrl } from '../urls.js';
import { archiveIndex, archiveYearUrl } from '../views/archive-page.js';
import { escapeHtml } from '../views/html.js';
import { pagePath } from '../views/pagination.js';
import type { WebDeps, WebPluginOptions } from './deps.js';

const MAX_AGE_S = 300;

type FeedSources = Pick<WebDeps, 'renderer' | 'site' | 'config'>;

/** The newest posts in full: every link and image absolute, since feed readers show them away from the site. */
async function feedEntries({ renderer, site, config }: FeedSources, posts: readonly Post[], base: string) {
  const ready = await renderer;
  const listed = posts.slice(0, config.feedSize);
  // Grammars load on demand; a render before its grammar is loaded would show that code block plain.
  await Promise.all(listed.map((post) => ready.prepare(post)));
  const { author } = site.current;
  return listed.map((post): FeedEntry => {
    const path = postUrl(post);
    const image = postImagePath(post);
    return {
      title: post.title,
      url: `${base}${path}`,
      date: post.date,
      summary: post.description,
      html: absoluteUrls(ready.render(post), path, base),
      tags: post.tags,
      ...(author ? { author } : {}),
      ...(image !== undefined ? { image: absoluteUrl(image, base) } : {}),
    };
  });
}

interface AtomRequest {
  readonly title: string;
  /** Path of the page the feed mirrors (`/` or `/tags/x`). */
  readonly pagePath: string;
  readonly posts: readonly Post[];
}

async function atom(deps: FeedSources, { title, pagePath, posts }: AtomRequest, base: string): Promise<string> {
  const { author, description, language } = deps.site.current;
  return atomXml({
    title,
    ...(description ? { subtitle: description } : {}),
    language,
    id: `${base}${pagePath}`,
    self: `${base}${pagePath === '/' ? '' : pagePath}/feed.xml`,
    // Atom wants an author on the feed or on every entry; the site's title stands in when no author is set.
    author: author ?? deps.site.current.title,
    entries: await feedEntries(deps, posts, base),
  });
}

async function rss(deps: FeedSources & Pick<WebDeps, 'library'>, base: string): Promise<string> {
  const posts = deps.library.list();
  const { title, description, author, language } = deps.site.current;
  const feed = new Feed({
    title,
    ...(description ? { description } : {}),
    ...(author ? { author: { name: author } } : {}),
    language,
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
      ...(entry.author ? { author: [{ name: entry.author }] } : {}),
      ...(entry.image ? { image: rssAttribute(entry.image) } : {}),
    });
  }
  return feed.rss2();
}

/**
 * The `feed` library escapes only `"` in the enclosure's url attribute. The parser's serialization percent-encodes
 * `<` and `>` (and quotes) in a URL, which leaves `&` to escape here.
 */
const rssAttribute = (url: string): string => new URL(url).href.replace(/&/g, '&amp;');

async function json(deps: FeedSources & Pick<WebDeps, 'library'>, base: string): Promise<string> {
  const { title, description, author, language } = deps.site.current;
  return jsonFeed({
    title,
    ...(description ? { description } : {}),
    ...(author ? { author } : {}),
    language,
    home: `${base}/`,
    self: `${base}/feed.json`,
    entries: await feedEntries(deps, deps.library.list(), base),
  });
}

/** Posts, the pages that are served (a page an app route shadows is not), the tag pages and the archive. */
function sitemap(app: FastifyInstance, { library, config }: Pick<WebDeps, 'library' | 'config'>, base: string): string {
  const posts = library.list();
  const pages = library.pages().filter((page) => !appRouteOwns(app, postUrl(page)));
  const url = (loc: string, lastmod?: Date) =>
    `<url><loc>${escapeHtml(`${base}${loc}`)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString().slice(0, 10)}</lastmod>` : ''}</url>`;
  const urls = [
    url('/', posts[0]?.date),
    url('/how-we-count'),
    ...[...posts, ...pages].map((post) => url(postUrl(post), post.date)),
    url('/archive', posts[0]?.date),
    // A big blog's archive is pages per year; each is listed so crawlers reach every post from it.
    ...(posts.length > config.archivePageMax
      ? [...archiveIndex(posts)].flatMap(([year, list]) =>
          Array.from({ length: Math.ceil(list.length / config.archivePageMax) }, (_, at) =>
            url(pagePath(archiveYearUrl(year), at + 1)),
          ),
        )
      : []),
    url('/tags'),
    ...library.tags().map((tag) => url(tagUrl(tag.key), library.byTag(tag.key)[0]?.date)),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

export async function feedsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  // Feeds carry FEED_SIZE whole posts: built and compressed once per content version (posts, site identity, origin).
  const cache = new BodyCache(feedBudgetBytes(deps.config));
  // Without SITE_URL only the most used origin's bodies are kept: a forged Host gets its own, built for it alone.
  const origins = new OriginRanking();
  const send = async (
    request: FastifyRequest,
    reply: FastifyReply,
    name: string,
    type: string,
    posts: readonly Post[],
    build: (base: string) => Promise<string> | string,
  ) => {
    const { base, cacheControl } = deps.site.base(request);
    void reply.type(`${type}; charset=utf-8`).header('cache-control', cacheControl(MAX_AGE_S));
    if (deps.site.current.url === undefined && origins.note(base) !== 0)
      return sendOnce(await build(base), request, reply, deps.config.compression);
    const body = await cache.get(`${name}\0${base}`, [posts, deps.site.version], async () => build(base));
    return body.send(request, reply, deps.config.compression);
  };
  app.get('/feed.xml', (request, reply) =>
    send(request, reply, 'atom', 'application/atom+xml', deps.library.list(), (base) =>
      atom(deps, { title: deps.site.current.title, pagePath: '/', posts: deps.library.list() }, base),
    ),
  );
  app.get('/rss.xml', (request, reply) =>
    send(request, reply, 'rss', 'application/rss+xml', deps.library.list(), (base) => rss(deps, base)),
  );
  app.get('/feed.json', (request, reply) =>
    send(request, reply, 'json', 'application/feed+json', deps.library.list(), (base) => json(deps, base)),
  );
  app.get('/sitemap.xml', (request, reply) =>
    send(request, reply, 'sitemap', 'application/xml', deps.library.all(), (base) => sitemap(app, deps, base)),
  );
  app.get<{ Params: { tag: string } }>('/tags/:tag/feed.xml', (request, reply) => {
    const key = tagKey(request.params.tag);
    const tag = deps.library.tag(key);
    if (!tag) return reply.callNotFound();
    const feed = {
      title: `${deps.site.current.title}: ${tag.name}`,
      pagePath: tagUrl(key),
      posts: deps.library.byTag(key),
    };
    return send(request, reply, `tag:${key}`, 'application/atom+xml', feed.posts, (base) => atom(deps, feed, base));
  });
}
