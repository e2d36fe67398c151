// `/search`: the results of a query, best first, each with its title and a snippet with the matches marked.
import type { Labels } from '../../i18n/labels.js';
import type { Post } from '../../posts/post.js';
import { MARK_END, MARK_START } from '../../search/search-index.js';
import { postUrl } from '../urls.js';
import { escapeHtml, html, type RawHtml, raw } from './html.js';
import { postDate } from './pages.js';

export interface ShownHit {
  readonly post: Post;
  readonly title: string;
  readonly snippet: string;
}

/** Escaped first, so only the marks readcount put in become tags. */
const marked = (text: string): RawHtml =>
  raw(escapeHtml(text).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>'));

export function searchPage(query: string, hits: readonly ShownHit[], labels: Labels): RawHtml {
  const form = html`<form class="search-form" role="search" action="/search" method="get"><label for="search-q">${labels.t('search')}</label> <input id="search-q" type="search" name="q" value="${query}"> <button type="submit">${labels.t('search')}</button></form>`;
  if (query.trim() === '') return html`<h1>${labels.t('search')}</h1>${form}<p>${labels.t('search_prompt')}</p>`;
  const heading = html`<h1>${labels.t('search_results', { q: query })}</h1>${form}`;
  if (hits.length === 0) return html`${heading}<p class="search-none">${labels.t('search_none', { q: query })}</p>`;
  return html`${heading}<ol class="search-results">${hits.map(
    ({
      post,
      title,
      snippet,
    }) => html`<li class="search-result"><h2><a href="${postUrl(post)}">${marked(title)}</a></h2>
<p class="meta">${postDate(labels, post)}</p><p class="search-snippet">${marked(snippet)}</p></li>`,
  )}</ol>`;
}
