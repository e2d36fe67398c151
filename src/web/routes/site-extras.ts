// Things readers' tools expect from a blog: favicon, sitemap.xml and an RSS feed next to the Atom one.
import type { FastifyInstance } from 'fastify';
import { postUrl } from '../content-index.js';
import { escapeHtml } from '../views/html.js';
import type { DashboardDeps } from './deps.js';

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#111"/>
<rect x="4" y="7" width="11" height="18" rx="2" fill="#333"/><rect x="17" y="7" width="11" height="18" rx="2" fill="#333"/>
<text x="9.5" y="21" font-family="monospace" font-weight="bold" font-size="14" fill="#39ff14" text-anchor="middle">4</text>
<text x="22.5" y="21" font-family="monospace" font-weight="bold" font-size="14" fill="#39ff14" text-anchor="middle">2</text></svg>
`;

export async function siteExtrasRoutes(
  app: FastifyInstance,
  { deps }: { deps: DashboardDeps; siteTitle: string },
): Promise<void> {
  app.get('/sitemap.xml', (request, reply) => {
    const base = `${request.protocol}://${request.host}`;
    const posts = deps.library.list();
    const url = (loc: string, lastmod?: Date) =>
      `<url><loc>${escapeHtml(`${base}${loc}`)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString().slice(0, 10)}</lastmod>` : ''}</url>`;
    const urls = [
      url('/', posts[0]?.date),
      url('/how-we-count'),
      ...posts.map((post) => url(postUrl(post), post.date)),
    ];
    void reply
      .type('application/xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      );
  });

  // Browsers ask for /favicon.ico whatever the page links; both answer with the same SVG.
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, (_request, reply) => {
      void reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=86400').send(FAVICON);
    });
  }
}
