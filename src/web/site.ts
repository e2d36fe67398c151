// The blog's identity (title, description, author, language, URL, nav, footer) as pages use it; swapped when readcount.yml changes.
import type { FastifyRequest } from 'fastify';
import MarkdownIt from 'markdown-it';
import type { Config, NavLink } from '../config.js';
import { Labels } from '../i18n/labels.js';

export interface SiteInfo {
  readonly title: string;
  readonly description: string | undefined;
  readonly author: string | undefined;
  readonly language: string;
  /** Canonical base URL without a trailing slash; undefined when SITE_URL is unset. */
  readonly url: string | undefined;
  readonly nav: readonly NavLink[];
  /** The footer markdown rendered once; raw HTML in it stays escaped. */
  readonly footerHtml: string | undefined;
  /** The built-in words in the site's language, with the site file's `labels:` applied. */
  readonly labels: Labels;
}

const footerMarkdown = new MarkdownIt({ html: false, linkify: true });

export function siteInfo(config: Config): SiteInfo {
  return {
    title: config.siteTitle,
    description: config.siteDescription,
    author: config.siteAuthor,
    language: config.siteLanguage,
    url: config.siteUrl,
    nav: config.nav,
    footerHtml: config.footer === undefined ? undefined : footerMarkdown.render(config.footer).trim(),
    labels: new Labels(config.siteLanguage, config.labels),
  };
}

/** The live site identity: routes read `current` per request, so a reload applies to the next page. */
export class Site {
  private info: SiteInfo;
  /** Bumped on every change, so caches of rendered pages know to start over. */
  version = 0;

  constructor(config: Config) {
    this.info = siteInfo(config);
  }

  get current(): SiteInfo {
    return this.info;
  }

  /** True when anything a page shows changed. */
  update(config: Config): boolean {
    const next = siteInfo(config);
    if (JSON.stringify(next) === JSON.stringify(this.info)) return false;
    this.info = next;
    this.version += 1;
    return true;
  }

  /**
   * Where absolute URLs start. With SITE_URL unset they come from the request's Host (X-Forwarded-Host only when
   * TRUST_PROXY is set, which Fastify's `request.host` already honours), so the response must not be shared by caches.
   */
  base(request: FastifyRequest): { base: string; cacheControl: (maxAge: number) => string } {
    const url = this.info.url;
    if (url !== undefined) return { base: url, cacheControl: (maxAge) => `public, max-age=${maxAge}` };
    return { base: `${request.protocol}://${request.host}`, cacheControl: (maxAge) => `private, max-age=${maxAge}` };
  }
}
