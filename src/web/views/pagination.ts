// Links between the pages of a paged list: `rel=prev`/`rel=next` in the head, and "newer / older" under the list.
import type { Labels } from '../../i18n/labels.js';
import { html, type RawHtml } from './html.js';

export interface PageLinks {
  /** 1-based. */
  readonly page: number;
  readonly pages: number;
  /** The list's first page (`/`, `/tags/x` or `/archive/2024/`); page n is at `<first>/page/<n>/`. */
  readonly first: string;
}

/** Page n's path: the first page is the list itself, like Hugo. */
export function pagePath(first: string, page: number): string {
  if (page <= 1) return first;
  return `${first.replace(/\/$/, '')}/page/${page}/`;
}

export function pageLinkTags({ page, pages, first }: PageLinks): RawHtml {
  return html`${page > 1 ? html`<link rel="prev" href="${pagePath(first, page - 1)}">` : ''}${
    page < pages ? html`<link rel="next" href="${pagePath(first, page + 1)}">` : ''
  }`;
}

export function pagination({ page, pages, first }: PageLinks, labels: Labels): RawHtml {
  if (pages <= 1) return html``;
  return html`<nav class="pagination" aria-label="${labels.t('pagination')}">${
    page > 1
      ? html`<a class="pagination-newer" rel="prev" href="${pagePath(first, page - 1)}">← ${labels.t('newer')}</a>`
      : ''
  } <span class="pagination-where">${labels.t('page_of', { page, pages })}</span> ${
    page < pages
      ? html`<a class="pagination-older" rel="next" href="${pagePath(first, page + 1)}">${labels.t('older')} →</a>`
      : ''
  }</nav>`;
}

/** The slice of `items` on page `page`, or undefined when there is no such page (page 1 always exists). */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  size: number,
): { items: readonly T[]; pages: number } | undefined {
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (!Number.isInteger(page) || page < 1 || page > pages) return undefined;
  return { items: items.slice((page - 1) * size, page * size), pages };
}
