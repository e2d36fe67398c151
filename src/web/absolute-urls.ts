// The site's absolute base (SITE_URL when set, else the request's origin) and URL rewriting inside rendered HTML.
import type { FastifyRequest } from 'fastify';

/** SITE_URL without its trailing slash, when the config has one (it is optional and may not exist yet). */
export function configuredBase(config: object): string | undefined {
  const value = (config as { siteUrl?: unknown }).siteUrl;
  return typeof value === 'string' && value !== '' ? value.replace(/\/+$/, '') : undefined;
}

/** Absolute URLs need a base: the configured site URL, else the origin this request was sent to. */
export function siteBase(config: object, request: FastifyRequest): string {
  return configuredBase(config) ?? `${request.protocol}://${request.host}`;
}

// markdown-it and the sanitizer emit attributes double-quoted, so this reaches every URL attribute they write.
const URL_ATTRIBUTE = /(\s(?:href|src|poster)=")([^"]*)(")/g;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Rewrites URLs in HTML. `relativeTo` resolves paths like `photo.jpg` (a page bundle's files live under the post's
 * folder URL); `origin` (when given) makes root-relative `/x` absolute, as feeds need. Fragments and other schemes stay.
 */
export function rewriteUrls(html: string, relativeTo: string, origin?: string): string {
  return html.replace(URL_ATTRIBUTE, (whole, open: string, value: string, close: string) => {
    const text = decodeEntities(value);
    if (text === '' || text.startsWith('#') || HAS_SCHEME.test(text) || text.startsWith('//')) return whole;
    const path = resolvePath(text, relativeTo);
    return `${open}${escapeAttribute(origin ? `${origin}${path}` : path)}${close}`;
  });
}

/** An image or link as written in front matter, made absolute against the post's folder URL and the base. */
export function absoluteUrl(value: string, relativeTo: string, origin: string): string {
  if (HAS_SCHEME.test(value)) return value;
  if (value.startsWith('//')) return `https:${value}`;
  return `${origin}${resolvePath(value, relativeTo)}`;
}

/** `value` as a root-relative path, resolved against the folder URL `relativeTo` as a browser would. */
function resolvePath(value: string, relativeTo: string): string {
  if (value.startsWith('/')) return value;
  const resolved = new URL(value, `http://x${relativeTo}`);
  return resolved.pathname + resolved.search + resolved.hash;
}

const decodeEntities = (value: string): string =>
  value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
