// Secret preview links for drafts and scheduled posts: `/preview/<HMAC of the slug>`, unguessable without the site's key.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where a preview lives; robots.txt, the sitemap and every list leave this prefix out. */
export const PREVIEW_PREFIX = '/preview/';
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class PreviewKeys {
  readonly #secret: string;

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

  /** The post among `candidates` whose key this is, compared in constant time. */
  find<T extends { readonly slug: string }>(key: string, candidates: readonly T[]): T | undefined {
    if (!KEY_PATTERN.test(key)) return undefined;
    const given = Buffer.from(key);
    return candidates.find((post) => timingSafeEqual(Buffer.from(this.key(post.slug)), given));
  }
}
