// `/archive`: every post by year and month with its title and count, text only; a big blog gets pages per year.
import type { Labels } from '../../i18n/labels.js';
import { calendarDay } from '../../posts/date-text.js';
import type { Post } from '../../posts/post.js';
import { postUrl } from '../urls.js';
import { html, type RawHtml } from './html.js';
import { type PageLinks, pagination } from './pagination.js';

interface Month {
  readonly month: Date;
  readonly posts: Post[];
}

/** Posts (newest first) grouped by year, then month, in that order. */
function byYear(posts: readonly Post[]): Map<number, Month[]> {
  const years = new Map<number, Month[]>();
  for (const post of posts) {
    const day = calendarDay(post);
    const year = day.getUTCFullYear();
    const months = years.get(year) ?? [];
    if (months.length === 0) years.set(year, months);
    const last = months.at(-1);
    if (last && last.month.getUTCMonth() === day.getUTCMonth()) last.posts.push(post);
    else months.push({ month: new Date(Date.UTC(year, day.getUTCMonth(), 1)), posts: [post] });
  }
  return years;
}

/** A list of posts by year: each year's posts newest first, the years newest first. */
export type ArchiveIndex = ReadonlyMap<number, readonly Post[]>;
const indexes = new WeakMap<readonly Post[], ArchiveIndex>();

/** The posts by year, worked out once per list (the library makes a new list on each change). */
export function archiveIndex(posts: readonly Post[]): ArchiveIndex {
  const known = indexes.get(posts);
  if (known) return known;
  const years = new Map<number, Post[]>();
  for (const post of posts) {
    const year = calendarDay(post).getUTCFullYear();
    const list = years.get(year);
    if (list) list.push(post);
    else years.set(year, [post]);
  }
  indexes.set(posts, years);
  return years;
}

export const archiveYearUrl = (year: number): string => `/archive/${year}/`;

function yearSection(year: number, months: readonly Month[], counts: ReadonlyMap<string, number>, labels: Labels) {
  return html`<section class="archive-year"><h2 id="y${year}">${year}</h2>${months.map(
    ({ month, posts }) =>
      html`<h3>${labels.month(month)}</h3><ul class="archive-posts">${posts.map((post) => {
        const count = counts.get(post.slug) ?? 0;
        return html`<li><a href="${postUrl(post)}">${post.title}</a> <span class="archive-count">${labels.count(count)} ${labels.plural('reader', count)}</span></li>`;
      })}</ul>`,
  )}</section>`;
}

/** Every year in full (a small blog), or, with `yearsOnly`, the years with their post counts linking to each year. */
export function archivePage(
  posts: readonly Post[],
  counts: ReadonlyMap<string, number>,
  labels: Labels,
  yearsOnly: boolean,
): RawHtml {
  const heading = html`<h1>${labels.t('archive')}</h1>`;
  if (posts.length === 0) return html`${heading}<p>${labels.t('no_posts')}</p>`;
  if (yearsOnly)
    return html`${heading}<ul class="archive-years">${[...archiveIndex(posts)].map(
      ([year, list]) =>
        html`<li><a href="${archiveYearUrl(year)}">${year}</a> <span class="meta">${labels.plural('post', list.length)}</span></li>`,
    )}</ul>`;
  return html`${heading}<div class="archive">${[...byYear(posts)].map(([year, months]) => yearSection(year, months, counts, labels))}</div>`;
}

/** One page of one year's posts (at most ARCHIVE_PAGE_MAX), with links back to the archive and between the pages. */
export function archiveYearPage(
  year: number,
  posts: readonly Post[],
  counts: ReadonlyMap<string, number>,
  labels: Labels,
  pages: PageLinks,
): RawHtml {
  const months = byYear(posts).get(year) ?? [];
  return html`<h1>${labels.t('archive')}: ${year}</h1><p class="meta"><a href="/archive">${labels.t('archive')}</a></p><div class="archive">${yearSection(year, months, counts, labels)}</div>${pagination(pages, labels)}`;
}
