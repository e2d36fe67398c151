// The allowlist raw HTML in posts passes through (sanitize-html), and the URL rewrites a page bundle needs.

import sanitizeHtml from 'sanitize-html';
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

/**
 * Everything not listed is dropped: `<script>`, `<style>`, `<iframe>`, `<object>`, `<form>`/`<input>`/`<button>`
 * (their text stays, except script and style whose content goes too), every `on*` handler, every `style`
 * attribute except table cells' `text-align`, and any URL whose scheme is not http(s), mailto or tel
 * (images may also be `data:`). docs/moving-in.md lists the same allowlist for bloggers.
 */
const ALLOWLIST: sanitizeHtml.IOptions = {
  allowedTags: [...HEADINGS, ...TEXT_TAGS, ...INLINE_TAGS, ...BLOCK_TAGS, ...TABLE_TAGS, ...MEDIA_TAGS],
  allowedAttributes: {
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
  // Only the classes our markdown plugins emit (anchors, footnotes, contents, code frames, diagrams), so raw HTML
  // cannot borrow the rest of the page's styles.
  allowedClasses: {
    nav: ['toc'],
    p: ['toc-title'],
    div: ['code-block', 'mermaid-diagram'],
    span: ['code-lang'],
    pre: ['mermaid-source'],
    code: ['math-source'],
    a: ['header-anchor', 'footnote-backref'],
    sup: ['footnote-ref'],
    section: ['footnotes'],
    ol: ['footnotes-list'],
    li: ['footnote-item'],
    hr: ['footnotes-sep'],
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
export function postImagePath(post: Pick<Post, 'slug' | 'image' | 'bundleDir'>): string | undefined {
  const image = post.image;
  if (image === undefined || image === '') return undefined;
  if (post.bundleDir !== undefined) {
    const resolved = resolveInBundle(image, bundleBase(post.slug));
    if (resolved !== image || SCHEME.test(image) || image.startsWith('/')) return resolved;
  }
  return SCHEME.test(image) || image.startsWith('/') ? image : `/${image.replace(/^(?:\.\/)+/, '')}`;
}

function rewriteSrcset(srcset: string, base: string | undefined): string {
  if (base === undefined) return srcset;
  return srcset
    .split(',')
    .map((candidate) => {
      const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
      return [resolveInBundle(url, base), ...descriptor].join(' ');
    })
    .join(', ');
}

/** Adds attributes to an `<img>` after its URLs are resolved (sizes and srcset of local images). */
export type ImageAttributes = (attribs: Readonly<Record<string, string>>) => Record<string, string>;

/** Sanitizes a rendered post: allowlist, lazy images, bundle URLs, no reserved ids. */
export function sanitizePostHtml(html: string, bundle: string | undefined, images?: ImageAttributes): string {
  const fix = (attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes => {
    const out = { ...attribs };
    for (const name of ['src', 'href', 'poster']) {
      const value = out[name];
      if (value !== undefined) out[name] = resolveInBundle(value, bundle);
    }
    if (out.srcset !== undefined) out.srcset = rewriteSrcset(out.srcset, bundle);
    if (out.id !== undefined && RESERVED_IDS.has(out.id.toLowerCase())) delete out.id;
    return out;
  };
  return sanitizeHtml(html, {
    ...ALLOWLIST,
    transformTags: {
      img: (tagName, attribs) => ({
        tagName,
        attribs: { ...(images ? images(fix(attribs)) : fix(attribs)), loading: 'lazy', decoding: 'async' },
      }),
      '*': (tagName, attribs) => ({ tagName, attribs: fix(attribs) }),
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
