// External pages (on static sites) that may be counted: from SITES entries `slug=url` or a .json file of them.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { isValidSlug, type Post } from '../posts/post.js';

export interface Site {
  readonly slug: string;
  readonly url: string;
  /** `https://static.example`: the only origin whose pages may ask for this page's tokens. */
  readonly origin: string;
  readonly path: string;
  readonly title: string;
}

interface SiteEntry {
  slug?: unknown;
  url?: unknown;
  title?: unknown;
}

function toSite(entry: SiteEntry, where: string): Site {
  const { slug, url, title } = entry;
  if (typeof slug !== 'string' || !isValidSlug(slug))
    throw new ConfigError('SITES', `${where}: slug "${String(slug)}" is not a valid slug`);
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new ConfigError('SITES', `${where}: "${String(url)}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ConfigError('SITES', `${where}: ${parsed.href} is not http(s)`);
  return {
    slug,
    url: parsed.href,
    origin: parsed.origin,
    path: parsed.pathname,
    title: typeof title === 'string' && title ? title : slug,
  };
}

function readFile(file: string): SiteEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('SITES', `${file} is not a readable JSON file (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) throw new ConfigError('SITES', `${file} must hold an array of {slug, url, title}`);
  return data as SiteEntry[];
}

/** The registered external pages; a slug may not also be a post's (checked by `assertNoClash`). */
export class SiteRegistry {
  private readonly bySlug = new Map<string, Site>();

  constructor(sites: readonly Site[]) {
    for (const site of sites) {
      if (this.bySlug.has(site.slug)) throw new ConfigError('SITES', `slug "${site.slug}" is registered twice`);
      this.bySlug.set(site.slug, site);
    }
  }

  static fromConfig(entries: readonly string[]): SiteRegistry {
    const sites: Site[] = [];
    for (const entry of entries) {
      if (entry.endsWith('.json')) {
        readFile(entry).forEach((item, index) => sites.push(toSite(item, `${entry}[${index}]`)));
        continue;
      }
      const eq = entry.indexOf('=');
      if (eq <= 0) throw new ConfigError('SITES', `"${entry}" is neither slug=url nor a .json file`);
      sites.push(toSite({ slug: entry.slice(0, eq), url: entry.slice(eq + 1) }, entry));
    }
    return new SiteRegistry(sites);
  }

  get(slug: string): Site | undefined {
    return this.bySlug.get(slug);
  }

  /** The page as a Post, so the `post:<slug>` channel accepts joins for it. */
  lookup(slug: string): Post | undefined {
    const site = this.bySlug.get(slug);
    return site && siteAsPost(site);
  }

  list(): Site[] {
    return [...this.bySlug.values()];
  }

  slugs(): string[] {
    return [...this.bySlug.keys()];
  }

  /** Throws when a site slug is also a post slug: one counter cannot belong to two pages. */
  assertNoClash(postSlugs: Iterable<string>): void {
    for (const slug of postSlugs) {
      if (this.bySlug.has(slug)) throw new ConfigError('SITES', `slug "${slug}" is also a post; pick another`);
    }
  }
}

/** A stand-in Post so the `post:<slug>` channel accepts joins for a registered external page. */
export function siteAsPost(site: Site): Post {
  return {
    slug: site.slug,
    title: site.title,
    date: new Date(0),
    description: '',
    tags: [],
    draft: false,
    markdown: '',
    readingMinutes: 1,
    file: site.url,
  };
}
