// Atom (/feed.xml), RSS (/rss.xml) and /sitemap.xml: absolute URLs from SITE_URL, else from the request (then not publicly cacheable).
import type { FastifyInstance } from 'fastify';
import { Feed } from 'feed';
import { escapeHtml } from '../views/html.js';
import type { WebDeps, WebPluginOptions } from './deps.js';

const FEED_SIZE = 20;
const MAX_AGE_S = 300;

function buildFeed({ library, site }: Pick<WebDeps, 'library' | 'site'>, base: string): Feed {
  const posts = library.list().slice(0, FEED_SIZE);
  const { title, description, author, language } = site.current;
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

function sitemap({ library }: Pick<WebDeps, 'library'>, base: string): string {
  const posts = library.list();
  const url = (loc: string, lastmod?: Date) =>
    `<url><loc>${escapeHtml(`${base}${loc}`)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString().slice(0, 10)}</lastmod>` : ''}</url>`;
  const urls = [url('/', posts[0]?.date), url('/how-we-count'), ...posts.map((p) => url(`/post/${p.slug}`, p.date))];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

export async function feedsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const documents = {
    '/feed.xml': { type: 'application/atom+xml', build: (base: string) => buildFeed(deps, base).atom1() },
    '/rss.xml': { type: 'application/rss+xml', build: (base: string) => buildFeed(deps, base).rss2() },
    '/sitemap.xml': { type: 'application/xml', build: (base: string) => sitemap(deps, base) },
  };
  for (const [path, { type, build }] of Object.entries(documents)) {
    app.get(path, (request, reply) => {
      const { base, cacheControl } = deps.site.base(request);
      void reply.type(`${type}; charset=utf-8`).header('cache-control', cacheControl(MAX_AGE_S)).send(build(base));
    });
  }
}
