// Secret preview links for drafts and scheduled posts: `/preview/<HMAC of the slug>`, unguessable without the site's key.
import { createHmac } from 'node:crypto';

/** Where a preview lives; robots.txt, the sitemap and every list leave this prefix out. */
export const PREVIEW_PREFIX = '/preview/';
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class PreviewKeys {
  readonly #secret: string;
  /** Each list of candidates' posts by key, made once per list (the library makes a new one on each change). */
  readonly #byKey = new WeakMap<readonly object[], ReadonlyMap<string, object>>();

  constructor(secret: string) {
    this.#secret = secret;
  }

  /** 256 bits of HMAC-SHA256 under the site's secret key; a different purpose string than page-view tokens use. */
  key(slug: string): string {
    return createHmac('sha256', this.#secret).update(`readcount-preview\0${slug}`).digest('base64url');
  }

  path(slug: string): string {
    return `${PREVIEW_PREFIX}${this.key(slug)}`;
  }

  /**
   * The post among `candidates` whose key this is: one map lookup, not an HMAC per draft. The lookup's timing tells
   * nothing useful: it hashes the given key, and a 256-bit HMAC cannot be found a few bits at a time from that.
   */
  find<T extends { readonly slug: string }>(key: string, candidates: readonly T[]): T | undefined {
    if (!KEY_PATTERN.test(key)) return undefined;
    let byKey = this.#byKey.get(candidates);
    if (!byKey) {
      byKey = new Map(candidates.map((post) => [this.key(post.slug), post]));
      this.#byKey.set(candidates, byKey);
    }
    return byKey.get(key) as T | undefined;
  }
}
