// The allowlist raw HTML in posts passes through (sanitize-html), and the URL rewrites a page bundle needs.

import { basename } from 'node:path';
import sanitizeHtml from 'sanitize-html';
import { safeUrl } from '../safe-url.js';
import type { Post } from './post.js';

/** Ids the page around a post uses; a heading or raw HTML claiming one would break the live counter's script. */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['counter', 'receipt', 'main', 'content', 'live']);

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const TEXT_TAGS = ['p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins'];
const INLINE_TAGS = ['mark', 'small', 'sup', 'sub', 'kbd', 'samp', 'var', 'abbr', 'cite', 'q', 'dfn', 'time', 'span'];
const BLOCK_TAGS = [
  'div',
  'section',
  'nav',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'details',
  'summary',
  'figure',
  'figcaption',
];
const TABLE_TAGS = ['table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col'];
const MEDIA_TAGS = ['a', 'img', 'video', 'audio', 'source', 'track'];
const CELL_ALIGN = { 'text-align': [/^(?:left|right|center)$/] };
/** Classes the page and its scripts rely on (the counter, live parts, video placeholders): posts cannot borrow them. */
const RESERVED_CLASS =
  /^(?:rc-|stat|live-|counter|video-|ghost|katex|reading-now$|index-count$|post-body$|digits$|hint$|visually-hidden$)/;
const CLASS_NAME = /^-?[A-Za-z_][\w-]{0,63}$/;
const MEDIA_ELEMENTS = new Set(['img', 'video', 'audio', 'source', 'track']);

/**
 * Everything not listed is dropped: `<script>`, `<style>`, `<iframe>`, `<object>`, `<form>`/`<input>`/`<button>`
 * (their text stays, except script and style whose content goes too), every `on*` handler, every `style`
 * attribute except table cells' `text-align`, classes the page itself uses, and any URL whose scheme is not http(s), mailto or tel
 * (images may also be `data:`). docs/moving-in.md lists the same allowlist for bloggers.
 */
const ALLOWLIST: sanitizeHtml.IOptions = {
  allowedTags: [...HEADINGS, ...TEXT_TAGS, ...INLINE_TAGS, ...BLOCK_TAGS, ...TABLE_TAGS, ...MEDIA_TAGS],
  allowedAttributes: {
    // Caption and layout markup from other engines keeps its classes (filtered below); `style` never.
    '*': ['class'],
    ...Object.fromEntries(HEADINGS.map((tag) => [tag, ['id']])),
    a: ['href', 'title', 'id', 'class'],
    img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height', 'loading', 'decoding'],
    video: ['src', 'poster', 'controls', 'width', 'height', 'loop', 'muted', 'playsinline', 'preload'],
    audio: ['src', 'controls', 'loop', 'muted', 'preload'],
    source: ['src', 'srcset', 'type', 'media', 'sizes'],
    track: ['src', 'kind', 'srclang', 'label', 'default'],
    th: ['colspan', 'rowspan', 'scope', 'style'],
    td: ['colspan', 'rowspan', 'style'],
    col: ['span'],
    colgroup: ['span'],
    ol: ['start', 'reversed', 'type', 'class'],
    li: ['id', 'class', 'value'],
    sup: ['id', 'class'],
    section: ['class'],
    nav: ['class', 'aria-label'],
    p: ['class'],
    div: ['class'],
    span: ['class'],
    pre: ['class'],
    code: ['class'],
    hr: ['class'],
    details: ['open'],
    abbr: ['title'],
    dfn: ['title'],
    time: ['datetime'],
    q: ['cite'],
    blockquote: ['cite'],
  },
  allowedStyles: { th: CELL_ALIGN, td: CELL_ALIGN },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster', 'srcset'],
  allowProtocolRelative: true,
  selfClosing: ['img', 'br', 'hr', 'source', 'track', 'col', 'wbr'],
};

/** `/post/<slug>/` for a bundle; relative URLs in its HTML resolve there, where the web layer serves its files. */
export function bundleBase(slug: string): string {
  return `/post/${slug}/`;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const RELATIVE = (url: string): boolean => url !== '' && !SCHEME.test(url) && !/^[/#?]/.test(url);

/**
 * Where an image or video file of a post is served: a bundle's own file at `/post/<slug>/…` (also when linked the
 * Hugo way, `/posts/<folder>/images/x.png`); any other relative path (`../../assets/x.jpg`, Astro's) from the site root.
 */
export function resolveMedia(url: string, base: string | undefined, bundleName?: string): string {
  const trimmed = url.trim();
  if (base !== undefined) {
    const inBundle = resolveInBundle(trimmed, base);
    if (inBundle !== trimmed) return inBundle;
    if (bundleName !== undefined) {
      const own = /^\/[^/]+\/([^/]+)\/(.+)$/.exec(trimmed);
      if (own?.[1] === bundleName && !trimmed.startsWith('/post/')) return `${base}${own[2]}`;
    }
  }
  return RELATIVE(trimmed) ? `/${trimmed.replace(/^(?:\.{1,2}\/)+/, '')}` : url;
}

/** A bundle-relative URL made absolute (`photo.jpg` → `/post/trip/photo.jpg`); other URLs unchanged. */
export function resolveInBundle(url: string, base: string | undefined): string {
  const trimmed = url.trim();
  if (base === undefined || trimmed === '' || SCHEME.test(trimmed) || /^[/#?]/.test(trimmed)) return url;
  try {
    const resolved = new URL(trimmed, `http://bundle${base}`);
    // `../` out of the bundle would point at some other route; leave such a link as written.
    return resolved.pathname.startsWith(base) ? resolved.pathname + resolved.search + resolved.hash : url;
  } catch {
    return url;
  }
}

/**
 * The front matter image as a URL on this site or elsewhere: a bundle's relative path becomes `/post/<slug>/<file>`,
 * another relative path is taken from the site root (the static folder), absolute paths and URLs are unchanged.
 * Undefined when the post has no image. Make it absolute with the site's base URL for og:image and feeds.
 */
export function postImagePath(
  post: Pick<Post, 'slug' | 'image' | 'bundleDir' | 'firstImage'>,
  { firstImage = false } = {},
): string | undefined {
  // og:image and feed enclosures: an http(s) URL or a path on the site, nothing a reader's browser would run.
  const candidate = post.image ?? (firstImage ? post.firstImage : undefined);
  const image = candidate === undefined ? undefined : safeUrl(candidate);
  if (image === undefined || image === '' || /^mailto:/i.test(image)) return undefined;
  const folder = post.bundleDir === undefined ? undefined : basename(post.bundleDir);
  return resolveMedia(image, post.bundleDir === undefined ? undefined : bundleBase(post.slug), folder);
}

function rewriteSrcset(srcset: string, resolve: (url: string) => string): string {
  return srcset
    .split(',')
    .map((candidate) => {
      const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
      return [resolve(url), ...descriptor].join(' ');
    })
    .join(', ');
}

/** Adds attributes to an `<img>` after its URLs are resolved (sizes and srcset of local images). */
export type ImageAttributes = (attribs: Readonly<Record<string, string>>) => Record<string, string>;

function keptClasses(value: string): string | undefined {
  const kept = value.split(/\s+/).filter((name) => CLASS_NAME.test(name) && !RESERVED_CLASS.test(name));
  return kept.length === 0 ? undefined : kept.join(' ');
}

/** Sanitizes a rendered post: allowlist, lazy images, bundle URLs, no reserved ids or classes. */
export function sanitizePostHtml(
  html: string,
  bundle: string | undefined,
  bundleDir?: string,
  images?: ImageAttributes,
): string {
  const folder = bundleDir === undefined ? undefined : basename(bundleDir);
  const media = (url: string) => resolveMedia(url, bundle, folder);
  const fix = (attribs: sanitizeHtml.Attributes, tagName = ''): sanitizeHtml.Attributes => {
    const out = { ...attribs };
    const isMedia = MEDIA_ELEMENTS.has(tagName);
    for (const name of ['src', 'href', 'poster']) {
      const value = out[name];
      if (value !== undefined) out[name] = isMedia ? media(value) : resolveInBundle(value, bundle);
    }
    if (out.srcset !== undefined)
      out.srcset = rewriteSrcset(out.srcset, isMedia ? media : (url) => resolveInBundle(url, bundle));
    if (out.id !== undefined && RESERVED_IDS.has(out.id.toLowerCase())) delete out.id;
    if (out.class !== undefined) {
      const kept = keptClasses(out.class);
      if (kept === undefined) delete out.class;
      else out.class = kept;
    }
    return out;
  };
  return sanitizeHtml(html, {
    ...ALLOWLIST,
    transformTags: {
      img: (tagName, attribs) => ({
        tagName,
        attribs: {
          ...(images ? images(fix(attribs, tagName)) : fix(attribs, tagName)),
          loading: 'lazy',
          decoding: 'async',
        },
      }),
      '*': (tagName, attribs) => ({ tagName, attribs: fix(attribs, tagName) }),
    },
  });
}

/** Heading ids: lowercase words joined by `-`; one the page itself uses gets a `section-` prefix. */
export function headingId(text: string): string {
  const id =
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '') || 'section';
  return RESERVED_IDS.has(id) ? `section-${id}` : id;
}
