// Under a post: the previous and next posts by date, and up to three related posts (most shared tags).
import type { Labels } from '../../i18n/labels.js';
import type { Neighbours } from '../../posts/library.js';
import type { Post } from '../../posts/post.js';
import { postUrl } from '../urls.js';
import { html, type RawHtml } from './html.js';
import { postDate } from './pages.js';

export function postNeighbours(neighbours: Neighbours, related: readonly Post[], labels: Labels): RawHtml {
  const { older, newer } = neighbours;
  const link = (post: Post, rel: string, label: string, className: string) =>
    html`<a class="${className}" rel="${rel}" href="${postUrl(post)}"><span class="post-nav-label">${label}</span> <span class="post-nav-title">${post.title}</span></a>`;
  const nav =
    older || newer
      ? html`<nav class="post-nav" aria-label="${labels.t('previous_post')} / ${labels.t('next_post')}">${
          older ? link(older, 'prev', labels.t('previous_post'), 'post-nav-prev') : ''
        }${newer ? link(newer, 'next', labels.t('next_post'), 'post-nav-next') : ''}</nav>`
      : '';
  const list =
    related.length > 0
      ? html`<section class="related-posts" aria-labelledby="related-heading"><h2 id="related-heading">${labels.t('related')}</h2><ul>${related.map(
          (post) =>
            html`<li><a href="${postUrl(post)}">${post.title}</a> <span class="meta">${postDate(labels, post)}</span></li>`,
        )}</ul></section>`
      : '';
  return html`${nav}${list}`;
}
