// Absolute URLs for feeds and OpenGraph: a site path or a post's HTML made absolute against the site's base URL.

// markdown-it and the sanitizer emit attributes double-quoted, so this reaches every URL attribute they write.
const URL_ATTRIBUTE = /(\s(?:href|src|poster)=")([^"]*)(")/g;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** `srcset` holds several URLs, each followed by its width or density (responsive images' WebP variants). */
const SRCSET_ATTRIBUTE = /(\ssrcset=")([^"]*)(")/g;

/**
 * Every URL in a post's HTML made absolute, as feed readers need: `/x` against `base`, a relative `x` first against
 * the page's own path (as a browser would). Fragments, other schemes and protocol-relative URLs stay as they are.
 */
export function absoluteUrls(html: string, pagePath: string, base: string): string {
  const absolute = (text: string): string =>
    text === '' || text.startsWith('#') || HAS_SCHEME.test(text) || text.startsWith('//')
      ? text
      : `${base}${resolvePath(text, pagePath)}`;
  return html
    .replace(URL_ATTRIBUTE, (whole, open: string, value: string, close: string) => {
      const text = decodeEntities(value);
      const made = absolute(text);
      return made === text ? whole : `${open}${escapeAttribute(made)}${close}`;
    })
    .replace(SRCSET_ATTRIBUTE, (_whole, open: string, value: string, close: string) => {
      const candidates = decodeEntities(value)
        .split(',')
        .map((candidate) => {
          const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
          return [absolute(url), ...descriptor].join(' ');
        });
      return `${open}${escapeAttribute(candidates.join(', '))}${close}`;
    });
}

/** True for `https://…`, `data:…` and `//host/…`: nothing to make absolute. */
export const isAbsoluteUrl = (url: string): boolean => HAS_SCHEME.test(url) || url.startsWith('//');

/** A site path (`/images/a.png`) or URL made absolute against `base`; URLs with a scheme are unchanged. */
export function absoluteUrl(pathOrUrl: string, base: string): string {
  if (HAS_SCHEME.test(pathOrUrl)) return pathOrUrl;
  if (pathOrUrl.startsWith('//')) return `https:${pathOrUrl}`;
  return `${base}${resolvePath(pathOrUrl, '/')}`;
}

/** `value` as a root-relative path, resolved against the page path `relativeTo` as a browser would. */
function resolvePath(value: string, relativeTo: string): string {
  if (value.startsWith('/')) return value;
  const resolved = new URL(value, `http://x${relativeTo}`);
  return resolved.pathname + resolved.search + resolved.hash;
}

const decodeEntities = (value: string): string =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
