// The tag pages: every tag with its post count, and one tag's posts (the index list, with its own heading and feed).
import type { TagSummary } from '../../posts/library.js';
import { tagUrl } from '../urls.js';
import { html, type RawHtml } from './html.js';

const posts = (count: number): string => `${count} ${count === 1 ? 'post' : 'posts'}`;

export function tagsPage(tags: readonly TagSummary[]): RawHtml {
  if (tags.length === 0) return html`<h1>Tags</h1><p>No post has a tag yet.</p>`;
  return html`<h1>Tags</h1>
<ul class="tag-index">${tags.map(
    (tag) => html`<li><a href="${tagUrl(tag.key)}">${tag.name}</a> <span class="meta">${posts(tag.count)}</span></li>`,
  )}</ul>`;
}

export function tagHeading(tag: TagSummary): RawHtml {
  return html`<h1>Tagged “${tag.name}”</h1>
<p class="meta">${posts(tag.count)} · <a href="${tagUrl(tag.key)}/feed.xml">Atom feed for this tag</a> · <a href="/tags">all tags</a></p>`;
}
