// The layout's site-wide parts for one request: title, language, nav, footer, and the canonical URL when SITE_URL is set.
import type { PageMeta } from '../views/pages.js';
import type { WebDeps } from './deps.js';

export type SiteMeta = Pick<PageMeta, 'siteTitle' | 'site' | 'canonical'>;

/**
 * `path` gives the canonical link and og:url, only from SITE_URL: a page rendered once and cached must not carry
 * whichever Host header the first request sent.
 */
export function siteMeta(deps: Pick<WebDeps, 'site'>, path?: string): SiteMeta {
  const site = deps.site.current;
  return {
    siteTitle: site.title,
    site,
    ...(path !== undefined && site.url !== undefined ? { canonical: `${site.url}${path}` } : {}),
  };
}
