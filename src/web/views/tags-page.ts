// The tag pages: every tag with its post count, and one tag's posts (the index list, with its own heading and feed).
import { DEFAULT_LABELS, type Labels } from '../../i18n/labels.js';
import type { TagSummary } from '../../posts/library.js';
import { tagUrl } from '../urls.js';
import { html, type RawHtml } from './html.js';

export function tagsPage(tags: readonly TagSummary[], labels: Labels = DEFAULT_LABELS): RawHtml {
  const posts = (count: number) => labels.plural('post', count);
  if (tags.length === 0) return html`<h1>${labels.t('tags')}</h1><p>${labels.t('tags_none')}</p>`;
  return html`<h1>${labels.t('tags')}</h1>
<ul class="tag-index">${tags.map(
    (tag) => html`<li><a href="${tagUrl(tag.key)}">${tag.name}</a> <span class="meta">${posts(tag.count)}</span></li>`,
  )}</ul>`;
}

export function tagHeading(tag: TagSummary, labels: Labels = DEFAULT_LABELS): RawHtml {
  return html`<h1>${labels.t('tagged', { name: tag.name })}</h1>
<p class="meta">${labels.plural('post', tag.count)} · <a href="${tagUrl(tag.key)}/feed.xml">${labels.t('tag_feed')}</a> · <a href="/tags">${labels.t('all_tags')}</a></p>`;
}
