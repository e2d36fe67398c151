// The dashboard's "most read, live" bars as a ranked HTML list (titles on one line, the count never cut), and the
// never-read posts folded away under them.
import { LIVE_BARS, type LiveBar, type UnreadPosts } from '../../stats/dashboard.js';
import { formatCount, html, type RawHtml } from './html.js';

const width = (count: number, max: number): string => `${Math.round((1000 * count) / max) / 10}%`;

/**
 * `statsUrl` links each title to its post's dashboard. The live script (stats-live.js) grows, reorders and adds bars
 * as count pushes arrive, and takes a post out of the folded list on its first read.
 */
export function liveBars(bars: readonly LiveBar[], unread: UnreadPosts, statsUrl: (slug: string) => string): RawHtml {
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const more = unread.count - unread.first.length;
  return html`<ol class="live-bars" aria-label="Reads per post, live" data-max="${max}" data-limit="${LIVE_BARS}">${bars.map(
    (bar) =>
      html`<li class="live-bar" data-slug="${bar.slug}" data-count="${bar.count}"><span class="live-label"><a class="live-title" href="${statsUrl(bar.slug)}" title="${bar.title}">${bar.title}</a> <span class="live-count">${formatCount(bar.count)}</span></span><span class="live-track" aria-hidden="true"><span class="live-fill" style="width:${width(bar.count, max)}"></span></span></li>`,
  )}</ol>
${bars.length === 0 ? html`<p class="meta live-none">No post has been read yet.</p>` : ''}
${
  unread.count === 0
    ? ''
    : html`<details class="live-unread" data-count="${unread.count}"><summary><span class="live-unread-count">${formatCount(unread.count)}</span> <span class="live-unread-word">${unread.count === 1 ? 'post' : 'posts'}</span> with no reads yet</summary>
<ul>${unread.first.map((post) => html`<li data-slug="${post.slug}"><a href="${statsUrl(post.slug)}">${post.title}</a></li>`)}</ul>${more > 0 ? html`<p class="meta">and ${formatCount(more)} more.</p>` : ''}</details>`
}`;
}
