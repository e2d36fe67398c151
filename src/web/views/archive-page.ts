// `/archive`: every post by year and month with its title and count, text only; a big blog gets a page per year.
import type { Labels } from '../../i18n/labels.js';
import { calendarDay } from '../../posts/date-text.js';
import type { Post } from '../../posts/post.js';
import { postUrl } from '../urls.js';
import { formatCount, html, type RawHtml } from './html.js';

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

const archiveYearUrl = (year: number): string => `/archive/${year}/`;

function yearSection(year: number, months: readonly Month[], counts: ReadonlyMap<string, number>, labels: Labels) {
  return html`<section class="archive-year"><h2 id="y${year}">${year}</h2>${months.map(
    ({ month, posts }) =>
      html`<h3>${labels.month(month)}</h3><ul class="archive-posts">${posts.map((post) => {
        const count = counts.get(post.slug) ?? 0;
        return html`<li><a href="${postUrl(post)}">${post.title}</a> <span class="archive-count">${formatCount(count)} ${labels.plural('reader', count)}</span></li>`;
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
  const years = byYear(posts);
  const heading = html`<h1>${labels.t('archive')}</h1>`;
  if (years.size === 0) return html`${heading}<p>${labels.t('no_posts')}</p>`;
  if (yearsOnly)
    return html`${heading}<ul class="archive-years">${[...years].map(
      ([year, months]) =>
        html`<li><a href="${archiveYearUrl(year)}">${year}</a> <span class="meta">${labels.plural(
          'post',
          months.reduce((sum, month) => sum + month.posts.length, 0),
        )}</span></li>`,
    )}</ul>`;
  return html`${heading}<div class="archive">${[...years].map(([year, months]) => yearSection(year, months, counts, labels))}</div>`;
}

/** One year's posts, with links back to the archive. */
export function archiveYearPage(
  year: number,
  posts: readonly Post[],
  counts: ReadonlyMap<string, number>,
  labels: Labels,
): RawHtml {
  const months = byYear(posts).get(year) ?? [];
  return html`<h1>${labels.t('archive')}: ${year}</h1><p class="meta"><a href="/archive">${labels.t('archive')}</a></p><div class="archive">${yearSection(year, months, counts, labels)}</div>`;
}
