// The dashboard's "most read, live" bars as a ranked HTML list (titles on one line, the count never cut), and the
// never-read posts folded away under them.
import { DEFAULT_LABELS, type Labels } from '../../i18n/labels.js';
import { LIVE_BARS, type LiveBar, type UnreadPosts } from '../../stats/dashboard.js';
import { fillHtml, html, type RawHtml } from './html.js';

const width = (count: number, max: number): string => `${Math.round((1000 * count) / max) / 10}%`;

/**
 * `statsUrl` links each title to its post's dashboard. The live script (stats-live.js) grows, reorders and adds bars
 * as count pushes arrive, and takes a post out of the folded list on its first read; the folded list's summary carries
 * its plural forms (`data-plural`) so the script rewrites it in the site's language.
 */
export function liveBars(
  bars: readonly LiveBar[],
  unread: UnreadPosts,
  statsUrl: (slug: string) => string,
  labels: Labels = DEFAULT_LABELS,
): RawHtml {
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const more = unread.count - unread.first.length;
  return html`<ol class="live-bars" aria-label="${labels.t('live_bars')}" data-max="${max}" data-limit="${LIVE_BARS}">${bars.map(
    (bar) =>
      html`<li class="live-bar" data-slug="${bar.slug}" data-count="${bar.count}"><span class="live-label"><a class="live-title" href="${statsUrl(bar.slug)}" title="${bar.title}">${bar.title}</a> <span class="live-count">${labels.count(bar.count)}</span></span><span class="live-track" aria-hidden="true"><span class="live-fill" style="width:${width(bar.count, max)}"></span></span></li>`,
  )}</ol>
${bars.length === 0 ? html`<p class="meta live-none">${labels.t('live_none')}</p>` : ''}
${
  unread.count === 0
    ? ''
    : html`<details class="live-unread" data-count="${unread.count}">${unreadSummary(unread.count, labels)}
<ul>${unread.first.map((post) => html`<li data-slug="${post.slug}"><a href="${statsUrl(post.slug)}">${post.title}</a></li>`)}</ul>${more > 0 ? html`<p class="meta">${labels.t('unread_more', { n: labels.count(more) })}</p>` : ''}</details>`
}`;
}

/** "12 posts with no reads yet", the number in its own span; stats-live.js refills it from `data-plural`. */
function unreadSummary(count: number, labels: Labels): RawHtml {
  const forms = labels.pluralForms('unread');
  // The form for `count` with `{n}` left in, for the number's span.
  const text = labels.plural('unread', count, { n: '{n}' });
  return html`<summary data-plural="${JSON.stringify(forms)}">${fillHtml(text, {
    n: html`<span class="live-unread-count">${labels.count(count)}</span>`,
  })}</summary>`;
}
