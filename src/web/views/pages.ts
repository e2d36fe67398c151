// Server-rendered pages: layout, index, post, 404 and "how we count"; the live script only updates numbers.
import { slugOfTopic } from '../../counting/topics.js';
import { datetimeAttribute, displayDate } from '../../posts/date-text.js';
import type { Post } from '../../posts/post.js';
import type { SiteInfo } from '../site.js';
import { tagUrl } from '../urls.js';
import { formatCount, html, type RawHtml, raw } from './html.js';

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
  /** Module script that drives the live parts (default /assets/app.js). */
  readonly script?: string;
  readonly siteTitle: string;
  /** Language, nav, footer and author from readcount.yml; absent, the layout shows the title only. */
  readonly site?: SiteInfo;
  /** Absolute URL of this page (only from SITE_URL): canonical link and og:url. */
  readonly canonical?: string;
  /** Absolute URL of the post's front matter image, for og:image. */
  readonly image?: string;
  /** Stylesheets this page needs besides the site's (KaTeX's on a post with math). */
  readonly styles?: readonly string[];
  /** Module scripts this page needs besides the live one (mermaid, the copy button). */
  readonly scripts?: readonly string[];
}

function navLinks(site: SiteInfo | undefined): RawHtml {
  if (!site || site.nav.length === 0) return html``;
  return html`<nav class="site-nav" aria-label="Site"><ul>${site.nav.map(
    (link) => html`<li><a href="${link.url}">${link.title}</a></li>`,
  )}</ul></nav>`;
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
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="/assets/code.css">
${(meta.styles ?? []).map(
  (href) => html`<link rel="stylesheet" href="${href}">
`,
)}<link rel="stylesheet" href="/custom.css">
<link rel="alternate" type="application/atom+xml" title="${meta.siteTitle}" href="/feed.xml">
<link rel="alternate" type="application/rss+xml" title="${meta.siteTitle} (RSS)" href="/rss.xml">
${meta.live ? html`<script type="module" src="${meta.script ?? '/assets/app.js'}"></script>` : ''}
${(meta.scripts ?? []).map(
  (src) => html`<script type="module" src="${src}"></script>
`,
)}${meta.site?.partials?.head ? raw(meta.site.partials.head) : ''}
</head>
<body>
<header class="site"><div class="site-id"><a href="/" class="brand">${meta.siteTitle}</a>${meta.site?.description ? html`<p class="site-description">${meta.site.description}</p>` : ''}</div>${navLinks(meta.site)}</header>
<main>
${body}
</main>
<footer class="site">${meta.site?.footerHtml ? html`<div class="site-footer">${raw(meta.site.footerHtml)}</div>` : ''}${meta.site?.partials?.footer ? html`<div class="theme-footer">${raw(meta.site.partials.footer)}</div>` : ''}<p class="site-links"><a href="/feed.xml">Atom</a> · <a href="/rss.xml">RSS</a> · <a href="/tags">Tags</a> · <a href="/how-we-count">How we count readers</a></p></footer>
</body>
</html>`.value
  }`;
}

function tagList(tags: readonly string[]): RawHtml {
  if (tags.length === 0) return html``;
  return html`<ul class="tags" aria-label="Tags">${tags.map((tag) => html`<li><a href="${tagUrl(tag)}">${tag}</a></li>`)}</ul>`;
}

/** `heading` is the page's h1 (the index's is there for screen readers; a tag page shows its own). */
export function indexPage(
  posts: readonly Post[],
  counts: ReadonlyMap<string, number>,
  heading: RawHtml = html`<h1 class="visually-hidden">Posts</h1>`,
): RawHtml {
  if (posts.length === 0) return html`${heading}<p>No posts yet.</p>`;
  return html`${heading}<div class="live-posts" data-live="connecting"><p class="live-hint" role="status" hidden>Offline: these counts may be out of date.</p><ol class="posts">${posts.map(
    (post) => html`<li class="post-summary">
  <h2><a href="/post/${post.slug}">${post.title}</a></h2>
  <p class="meta"><time datetime="${datetimeAttribute(post)}">${displayDate(post)}</time> · ${post.readingMinutes} min read ·
  <span class="index-count" data-count-slug="${post.slug}" data-count="${counts.get(post.slug) ?? 0}">${formatCount(counts.get(post.slug) ?? 0)}</span> readers</p>
  ${tagList(post.tags)}
  ${post.description ? html`<p>${post.description}</p>` : ''}
</li>`,
  )}</ol></div>`;
}

/** Author (the site's), date, reading time and tags under a post's title; a page shows none of it. */
function byline(post: Post, author: string | undefined): RawHtml {
  if (post.kind === 'page') return html`${tagList(post.tags)}`;
  return html`<div class="byline"><p class="meta">${author ? html`<span class="author">By ${author}</span> · ` : ''}<time datetime="${datetimeAttribute(post)}">${displayDate(post)}</time> · <span class="reading-time">${post.readingMinutes} min read</span></p>
${tagList(post.tags)}</div>`;
}

export function postPage(post: Post, bodyHtml: string, count: number, author?: string): RawHtml {
  return html`<article class="post">
<h1>${post.title}</h1>
${byline(post, author)}
<div class="post-body">${raw(bodyHtml)}</div>
<p class="counter" id="counter" data-live="connecting" aria-live="polite" aria-atomic="true">Total readers: <span class="counter-digits" data-count="${count}">${formatCount(count)}</span><span class="reading-now" hidden></span><span class="live-hint" hidden> · offline</span></p>
<p class="counter-help"><a href="/how-we-count">How we count</a> · <a href="/how-we-count?post=${post.slug}#receipt">receipt</a></p>
</article>`;
}

export function notFoundPage(): RawHtml {
  return html`<h1>Not found</h1><p>There is no page here. The <a href="/">list of posts</a> has everything that is.</p>`;
}

export function howWeCountPage(readAfterMs: number, countMode: string): RawHtml {
  const seconds = readAfterMs / 1000;
  return html`<article class="post">
<h1>How we count readers</h1>
<p>A reader is counted when this page has been open <strong>and visible</strong> for ${seconds} seconds, as measured by your browser and checked again on our server's clock.</p>
<ul>
<li>${countMode === 'unique-daily' ? 'Each visitor counts at most once per post per day (UTC).' : 'Every page view that reaches the reading time counts.'}</li>
<li>Bots, automated browsers and pages without JavaScript are not counted.</li>
<li>No cookies. Your IP address and browser name are never stored; to recognise a repeat visit we keep a one-way hash with a salt that changes every day and lives only in memory.</li>
<li>Each post has a receipt: how many reads were counted and how many were refused, and why.</li>
</ul>
</article>`;
}
