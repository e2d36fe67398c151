// The blog's identity (title, description, author, language, URL, nav, footer) as pages use it; swapped when readcount.yml changes.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
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
  /** The icon the layout links: FAVICON, else the static folder's favicon.*, else readcount's own. */
  readonly favicon: string;
  /** The built-in words in the site's language, with the site file's `labels:` applied. */
  readonly labels: Labels;
  /** STATIC_DIR/_partials/ (theme-partials.ts), sanitized; absent until read. */
  readonly partials?: ThemePartials;
}

/** Sanitized HTML a blogger adds to every page: into `<head>`, and into the footer. */
export interface ThemePartials {
  readonly head?: string;
  readonly footer?: string;
}

/** Looked for in this order; a site with none gets readcount's icon. */
const SITE_FAVICONS = ['favicon.svg', 'favicon.png', 'favicon.ico'];
const READCOUNT_FAVICON = '/_readcount/favicon.svg';

function faviconHref(config: Pick<Config, 'favicon' | 'staticDir'>): string {
  if (config.favicon !== undefined) return config.favicon;
  const found = SITE_FAVICONS.find((name) => {
    try {
      return statSync(resolve(config.staticDir, name)).isFile();
    } catch {
      return false;
    }
  });
  return found === undefined ? READCOUNT_FAVICON : `/${found}`;
}

const footerMarkdown = new MarkdownIt({ html: false, linkify: true });

function siteInfo(config: Config): SiteInfo {
  return {
    title: config.siteTitle,
    description: config.siteDescription,
    author: config.siteAuthor,
    language: config.siteLanguage,
    url: config.siteUrl,
    nav: config.nav,
    footerHtml: config.footer === undefined ? undefined : footerMarkdown.render(config.footer).trim(),
    favicon: faviconHref(config),
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
    const { host, protocol } = request;
    // X-Forwarded-Proto (under TRUST_PROXY) is a header too: only the two schemes a page can be served over.
    if (!HOST.test(host) || !/^https?$/.test(protocol) || URL.parse(`${protocol}://${host}/`) === null)
      throw new BadHost();
    return { base: `${protocol}://${host}`, cacheControl: (maxAge) => `private, max-age=${maxAge}` };
  }
}

/** A host name or IP literal with an optional port: all a browser ever sends (Unicode names go as punycode). */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Thrown to the app's error handler, which answers it as `bad_request` (400): a Host no URL can be made of. */
class BadHost extends Error {
  readonly statusCode = 400;
  constructor() {
    super('the Host header is not a host name (or X-Forwarded-Proto not http or https)');
  }
}
