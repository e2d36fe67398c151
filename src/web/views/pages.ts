// Server-rendered pages: layout, index, post, 404 and "how we count"; the live script only updates numbers.
import { slugOfTopic } from '../../counting/topics.js';
import { DEFAULT_LABELS, type Labels } from '../../i18n/labels.js';
import { calendarDay, datetimeAttribute } from '../../posts/date-text.js';
import type { Post } from '../../posts/post.js';
import { postImagePath } from '../../posts/sanitize.js';
import type { SiteInfo } from '../site.js';
import { tagUrl } from '../urls.js';
import { fillHtml, html, type RawHtml, raw } from './html.js';
import { type PageLinks, pageLinkTags, pagination } from './pagination.js';

export interface PageMeta {
  readonly title: string;
  readonly description?: string;
  /** Page-view token for the live socket (the reference's csrf_token). */
  readonly token?: string;
  /** `post:<slug>` or `index`: what the live script joins. */
  readonly live?: string;
  readonly readAfterMs?: number;
  /** Reader ghosts on this page (GHOSTS on and the post does not opt out). */
  readonly ghosts?: boolean;
  /** Module script that drives the live parts (default /_readcount/app.js). */
  readonly script?: string;
  readonly siteTitle: string;
  /** Language, nav, footer and author from readcount.yml; absent, the layout shows the title only. */
  readonly site?: SiteInfo;
  /** Absolute URL of this page (only from SITE_URL): canonical link and og:url. */
  readonly canonical?: string;
  /** Absolute URL of the post's front matter image, for og:image. */
  readonly image?: string;
  /** `rel=prev`/`rel=next` of a paged list. */
  readonly pages?: PageLinks;
  /** Keep search engines away (draft previews). */
  readonly noindex?: boolean;
  /** What the header's search box shows (on the search page: the query). */
  readonly query?: string;
  /** Stylesheets this page needs besides the site's (KaTeX's on a post with math). */
  readonly styles?: readonly string[];
  /** Module scripts this page needs besides the live one (mermaid, the copy button). */
  readonly scripts?: readonly string[];
}

const labelsOf = (meta: Pick<PageMeta, 'site'>): Labels => meta.site?.labels ?? DEFAULT_LABELS;

function searchBox(labels: Labels, query: string | undefined): RawHtml {
  return html`<form class="site-search" role="search" action="/search" method="get"><input type="search" name="q" value="${query ?? ''}" placeholder="${labels.t('search_placeholder')}" aria-label="${labels.t('search')}" maxlength="2000"></form>`;
}

const ICON_TYPES: Readonly<Record<string, string>> = { svg: 'image/svg+xml', png: 'image/png', ico: 'image/x-icon' };

function faviconLink(href = '/_readcount/favicon.svg'): RawHtml {
  const type = ICON_TYPES[/\.(\w+)(?:[?#].*)?$/.exec(href)?.[1]?.toLowerCase() ?? ''];
  return type ? html`<link rel="icon" href="${href}" type="${type}">` : html`<link rel="icon" href="${href}">`;
}

function navLinks(site: SiteInfo | undefined): RawHtml {
  if (!site || site.nav.length === 0) return html``;
  return html`<nav class="site-nav" aria-label="${site.labels.t('site_nav')}"><ul>${site.nav.map(
    (link) => html`<li><a href="${link.url}">${link.title}</a></li>`,
  )}</ul></nav>`;
}

/** Words the post scripts write (the code block's copy button), in the page's language. */
function scriptWords(labels: Labels): RawHtml {
  const words = {
    copy: labels.t('copy'),
    copied: labels.t('copied'),
    failed: labels.t('copy_failed'),
    label: labels.t('copy_code'),
  };
  return html`<meta name="readcount-words" content="${JSON.stringify(words)}">
`;
}

export function layout(meta: PageMeta, body: RawHtml): string {
  return `<!doctype html>${
    html`<html lang="${meta.site?.language ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${meta.title === meta.siteTitle ? meta.title : `${meta.title} · ${meta.siteTitle}`}</title>
${meta.description ? html`<meta name="description" content="${meta.description}">` : ''}
${meta.site?.author ? html`<meta name="author" content="${meta.site.author}">` : ''}
${meta.canonical ? html`<link rel="canonical" href="${meta.canonical}">` : ''}
<meta property="og:site_name" content="${meta.siteTitle}">
${meta.canonical ? html`<meta property="og:url" content="${meta.canonical}">` : ''}
<meta property="og:title" content="${meta.title}">
<meta property="og:type" content="${meta.live !== undefined && slugOfTopic(meta.live) !== undefined ? 'article' : 'website'}">
${meta.description ? html`<meta property="og:description" content="${meta.description}">` : ''}
${meta.image ? html`<meta property="og:image" content="${meta.image}">` : ''}
<meta name="twitter:card" content="${meta.image ? 'summary_large_image' : 'summary'}">
<meta name="twitter:title" content="${meta.title}">
${meta.description ? html`<meta name="twitter:description" content="${meta.description}">` : ''}
${meta.token ? html`<meta name="csrf-token" content="${meta.token}">` : ''}
${meta.live ? html`<meta name="readcount-live" content="${meta.live}">` : ''}
${meta.readAfterMs !== undefined ? html`<meta name="readcount-read-after-ms" content="${meta.readAfterMs}">` : ''}
${meta.ghosts ? html`<meta name="readcount-ghosts" content="on">` : ''}
${meta.noindex ? html`<meta name="robots" content="noindex">` : ''}
${meta.pages ? pageLinkTags(meta.pages) : ''}
${faviconLink(meta.site?.favicon)}
<link rel="stylesheet" href="/_readcount/site.css">
<link rel="stylesheet" href="/_readcount/code.css">
<link rel="stylesheet" href="/_readcount/embeds.css">
${(meta.styles ?? []).map(
  (href) => html`<link rel="stylesheet" href="${href}">
`,
)}<link rel="stylesheet" href="/custom.css">
<link rel="alternate" type="application/atom+xml" title="${meta.siteTitle}" href="/feed.xml">
<link rel="alternate" type="application/rss+xml" title="${meta.siteTitle} (RSS)" href="/rss.xml">
<link rel="alternate" type="application/feed+json" title="${meta.siteTitle} (JSON Feed)" href="/feed.json">
${meta.live ? html`<script type="module" src="${meta.script ?? '/_readcount/app.js'}"></script>` : ''}
${meta.scripts?.length ? scriptWords(labelsOf(meta)) : ''}${(meta.scripts ?? []).map(
  (src) => html`<script type="module" src="${src}"></script>
`,
)}${meta.site?.partials?.head ? raw(meta.site.partials.head) : ''}
</head>
<body>
<header class="site"><div class="site-id"><a href="/" class="brand">${meta.siteTitle}</a>${meta.site?.description ? html`<p class="site-description">${meta.site.description}</p>` : ''}</div>${navLinks(meta.site)}${searchBox(labelsOf(meta), meta.query)}</header>
<main>
${body}
</main>
<footer class="site">${meta.site?.footerHtml ? html`<div class="site-footer">${raw(meta.site.footerHtml)}</div>` : ''}${meta.site?.partials?.footer ? html`<div class="theme-footer">${raw(meta.site.partials.footer)}</div>` : ''}<p class="site-links"><a href="/archive">${labelsOf(meta).t('archive')}</a> · <a href="/tags">${labelsOf(meta).t('tags')}</a> · <a href="/feed.xml">Atom</a> · <a href="/rss.xml">RSS</a> · <a href="/feed.json">JSON Feed</a> · <a href="/how-we-count">${labelsOf(meta).t('how_we_count')}</a></p></footer>
</body>
</html>`.value
  }`;
}

function tagList(tags: readonly string[], labels: Labels): RawHtml {
  if (tags.length === 0) return html``;
  return html`<ul class="tags" aria-label="${labels.t('tags')}">${tags.map((tag) => html`<li><a href="${tagUrl(tag)}">${tag}</a></li>`)}</ul>`;
}

export interface ListOptions {
  /** The page's h1 (the index's is there for screen readers; a tag page shows its own). */
  readonly heading?: RawHtml;
  readonly labels?: Labels;
  /** Links to the other pages of a paged list. */
  readonly pages?: PageLinks;
}

/** The live count and its word, whose plural forms the browser picks from as the count changes. */
function readerCount(labels: Labels, slug: string, count: number): RawHtml {
  const forms = labels.pluralForms('reader');
  return html`<span class="index-count" data-count-slug="${slug}" data-count="${count}">${labels.count(count)}</span> <span class="count-word" data-plural="${JSON.stringify(forms)}">${labels.plural('reader', count)}</span>`;
}

export function postDate(labels: Labels, post: Post): RawHtml {
  return html`<time datetime="${datetimeAttribute(post)}">${labels.day(calendarDay(post))}</time>`;
}

/** "updated <time>": the label's words around the date, in the order the language puts them. */
function updatedDate(labels: Labels, date: Date): RawHtml {
  const [before = '', after = ''] = labels.t('updated', { date: '\u0000' }).split('\u0000');
  return html`${before}<time datetime="${date.toISOString()}">${labels.day(date)}</time>${after}`;
}

/** A list of posts with their live counts: the index, a tag's page, one page of either. */
export function indexPage(
  posts: readonly Post[],
  counts: ReadonlyMap<string, number>,
  options: ListOptions = {},
): RawHtml {
  const labels = options.labels ?? DEFAULT_LABELS;
  const heading = options.heading ?? html`<h1 class="visually-hidden">${labels.t('posts')}</h1>`;
  if (posts.length === 0) return html`${heading}<p>${labels.t('no_posts')}</p>`;
  return html`${heading}<div class="live-posts" data-live="connecting"><p class="live-hint" role="status" hidden>${labels.t('offline_hint')}</p><ol class="posts">${posts.map(
    (post) => html`<li class="post-summary">
  <h2><a href="/post/${post.slug}">${post.title}</a></h2>
  <p class="meta">${postDate(labels, post)} · ${labels.t('min_read', { n: post.readingMinutes })} ·
  ${readerCount(labels, post.slug, counts.get(post.slug) ?? 0)}</p>
  ${tagList(post.tags, labels)}
  ${post.description ? html`<p>${post.description}</p>` : ''}
</li>`,
  )}</ol></div>${options.pages ? pagination(options.pages, labels) : ''}`;
}

/** The front matter image (`image`, `cover`, `heroImage`) above the text, unless the text opens with it anyway. */
function heroImage(post: Post): RawHtml {
  const src = postImagePath(post);
  if (
    src === undefined ||
    (post.firstImage !== undefined && postImagePath({ ...post, image: post.firstImage }) === src)
  )
    return html``;
  return html`<img class="post-hero" src="${src}" alt="" decoding="async">`;
}

/** Author (the site's), date, reading time and tags under a post's title; a page shows only its tags. */
function byline(post: Post, labels: Labels, author: string | undefined): RawHtml {
  if (post.kind === 'page') return html`${tagList(post.tags, labels)}`;
  return html`<div class="byline"><p class="meta">${author ? html`<span class="author">${labels.t('by', { name: author })}</span> · ` : ''}${postDate(labels, post)}${post.updated ? html` · ${updatedDate(labels, post.updated)}` : ''} · <span class="reading-time">${labels.t('min_read', { n: post.readingMinutes })}</span></p>
${tagList(post.tags, labels)}</div>`;
}

export interface PostPageOptions {
  readonly labels?: Labels;
  /** Shown under the counter: previous/next and related posts. */
  readonly after?: RawHtml;
  /** A draft preview: a notice instead of the counter, which must not count. */
  readonly preview?: boolean;
  /** The byline's author (the site's). */
  readonly author?: string | undefined;
}

export function postPage(post: Post, bodyHtml: string, count: number, options: PostPageOptions = {}): RawHtml {
  const labels = options.labels ?? DEFAULT_LABELS;
  const counter = options.preview
    ? html`<p class="preview-notice" role="note">${labels.t('preview')}</p>`
    : html`<p class="counter" id="counter" data-live="connecting" aria-live="polite" aria-atomic="true">${labels.t('total_readers')} <span class="counter-digits" data-count="${count}">${labels.count(count)}</span><span class="reading-now" data-label="${labels.t('reading_now')}" hidden></span><span class="live-hint" hidden> · ${labels.t('offline')}</span></p>
<p class="counter-help"><a href="/how-we-count">${labels.t('how_we_count')}</a> · <a href="/how-we-count?post=${post.slug}#receipt">${labels.t('receipt')}</a></p>`;
  return html`<article class="post">
${heroImage(post)}
<h1>${post.title}</h1>
${byline(post, labels, options.author)}
<div class="post-body">${raw(bodyHtml)}</div>
${counter}
</article>${options.after ?? ''}`;
}

export function notFoundPage(labels: Labels = DEFAULT_LABELS): RawHtml {
  const link = html`<a href="/">${labels.t('posts_list')}</a>`;
  return html`<h1>${labels.t('not_found')}</h1><p>${fillHtml(labels.t('not_found_text'), { link })}</p>`;
}
