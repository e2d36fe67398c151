// The blog's identity (title, description, author, language, URL, nav, footer) as pages use it; swapped when readcount.yml changes.
import type { FastifyRequest } from 'fastify';
import MarkdownIt from 'markdown-it';
import type { Config, NavLink } from '../config.js';

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
  /** STATIC_DIR/_partials/ (theme-partials.ts), sanitized; absent until read. */
  readonly partials?: ThemePartials;
}

/** Sanitized HTML a blogger adds to every page: into `<head>`, and into the footer. */
export interface ThemePartials {
  readonly head?: string;
  readonly footer?: string;
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
    const next = { ...siteInfo(config), ...(this.info.partials ? { partials: this.info.partials } : {}) };
    if (JSON.stringify(next) === JSON.stringify(this.info)) return false;
    this.info = next;
    this.version += 1;
    return true;
  }

  /** Swaps the theme partials; true (and a new version) when they changed. */
  setPartials(partials: ThemePartials): boolean {
    if (JSON.stringify(partials) === JSON.stringify(this.info.partials ?? {})) return false;
    this.info = { ...this.info, partials };
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
