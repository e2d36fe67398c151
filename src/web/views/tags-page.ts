// The tag pages: every tag with its post count, and one tag's posts (the index list, with its own heading and feed).
import { tagUrl } from '../content-index.js';
import { html, type RawHtml } from './html.js';

export function tagsPage(tags: ReadonlyMap<string, readonly unknown[]>): RawHtml {
  if (tags.size === 0) return html`<h1>Tags</h1><p>No post has a tag yet.</p>`;
  return html`<h1>Tags</h1>
<ul class="tag-index">${[...tags].map(
    ([tag, posts]) =>
      html`<li><a href="${tagUrl(tag)}">${tag}</a> <span class="meta">${posts.length} ${posts.length === 1 ? 'post' : 'posts'}</span></li>`,
  )}</ul>`;
}

export function tagHeading(tag: string, count: number): RawHtml {
  return html`<h1>Tagged “${tag}”</h1>
<p class="meta">${count} ${count === 1 ? 'post' : 'posts'} · <a href="${tagUrl(tag)}/feed.xml">Atom feed for this tag</a> · <a href="/tags">all tags</a></p>`;
}
