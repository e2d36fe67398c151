// `/search?q=`: full-text search over titles, tags and bodies, rendered on the server (works without JavaScript).
import type { FastifyInstance } from 'fastify';
import { SearchIndex } from '../../search/search-index.js';
import { layout } from '../views/pages.js';
import { type ShownHit, searchPage } from '../views/search-page.js';
import type { WebPluginOptions } from './deps.js';
import { siteMeta } from './page-meta.js';

export async function searchRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, library } = deps;
  const index = new SearchIndex(library, {
    queryMax: config.searchQueryMax,
    resultsMax: config.searchResultsMax,
    termsMax: config.searchTermsMax,
    rankedMax: config.searchRankedMax,
  });
  app.addHook('onClose', async () => index.close());

  app.get<{ Querystring: { q?: unknown } }>('/search', (request, reply) => {
    // A repeated `q` arrives as a list; anything but one text is an empty search, never an error.
    const query = typeof request.query.q === 'string' ? request.query.q.slice(0, config.searchQueryMax) : '';
    const hits = index.search(query).flatMap((hit): ShownHit[] => {
      const post = library.get(hit.slug);
      return post ? [{ post, title: hit.title, snippet: hit.snippet }] : [];
    });
    const labels = deps.site.current.labels;
    const title = query.trim() === '' ? labels.t('search') : labels.t('search_results', { q: query });
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .send(layout({ title, ...siteMeta(deps, '/search'), query, noindex: true }, searchPage(query, hits, labels)));
  });
}
