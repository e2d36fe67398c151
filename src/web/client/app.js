// Browser side of the live counter: joins the page's topic with the official phoenix client and reports a read.

import { referrer, reportViewEnd } from '/_readcount/engagement.js';
import { startGhosts } from '/_readcount/ghosts.js';
import { liveState, readReporter } from '/_readcount/live-read.js';
import { Socket } from '/_readcount/phoenix.mjs';
import '/_readcount/video.js';
import { afterVisibleTime } from '/_readcount/visible-time.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
const token = meta('csrf-token');
const live = meta('readcount-live');
const readAfterMs = Number(meta('readcount-read-after-ms') ?? '10000');
// The page's language, as the server formatted its numbers.
const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
// The page's language picks the plural form; the server lists the forms in `data-plural` next to each count.
const pluralRules = new Intl.PluralRules(document.documentElement.lang || 'en');

// Where websockets are refused (some proxies and networks), Phoenix's LongPoll takes over after 2.5 s.
const socket = new Socket('/live', { params: { _csrf_token: token }, longPollFallbackMs: 2500 });
socket.connect();

/** Counts only go up, except when a (re)join reply says otherwise: that value is fresh from the server. */
function showCount(element, count, authoritative) {
  if (!element || typeof count !== 'number') return;
  const current = Number(element.dataset.count ?? '0');
  if (!authoritative && count <= current) return;
  element.dataset.count = String(count);
  element.textContent = numberFormat.format(count);
  const word = element.nextElementSibling;
  if (word?.classList.contains('count-word') && word.dataset.plural) {
    const forms = JSON.parse(word.dataset.plural);
    word.textContent = forms[pluralRules.select(count)] ?? forms.other ?? word.textContent;
  }
}

/** The container's `data-live` says connecting | live | offline; its `.live-hint` is shown only while offline. */
function trackLive(container, onChange = () => {}) {
  const hint = container?.querySelector('.live-hint');
  return liveState(socket, container, (state) => {
    if (hint) hint.hidden = state !== 'offline';
    onChange(state);
  });
}

function joinPost(topic) {
  const container = document.querySelector('#counter');
  const digits = document.querySelector('.counter-digits');
  const reading = document.querySelector('.reading-now');
  let readingNow = 0;
  // "Reading now" is only true while live: hidden otherwise, rather than frozen at a stale number.
  const showReading = (value) => {
    if (typeof value === 'number') readingNow = value;
    if (!reading) return;
    reading.hidden = readingNow < 1 || container?.dataset.live !== 'live';
    const label = reading.dataset.label ?? '{n} reading now';
    reading.textContent = ` · ${label.replace('{n}', numberFormat.format(readingNow))}`;
  };
  const state = trackLive(container, () => showReading());
  const channel = socket.channel(topic, { referrer: referrer(), automated: navigator.webdriver === true });
  reportViewEnd({ token, article: document.querySelector('article'), channel, socketOpen: () => socket.isConnected() });
  channel.onError(state.lost);
  // On one instance, "reading now" rides on count pushes; it also comes on its own as `presence`.
  channel.on('count', ({ count, reading: now }) => {
    showCount(digits, count, false);
    showReading(now);
  });
  channel.on('presence', ({ reading: now }) => showReading(now));
  const ghosts = meta('readcount-ghosts') === 'on' ? startGhosts(channel) : undefined;
  const reader = readReporter(
    channel,
    { csrf_token: token, automated: navigator.webdriver === true, referrer: referrer() },
    readAfterMs,
  );
  let clockStarted = false;
  channel.join().receive('ok', (reply) => {
    state.joined();
    showCount(digits, reply.count, true);
    showReading(reply.reading);
    ghosts?.joined(reply);
    // The visible-time clock starts at the first join, as the server's does: an honest read is never early.
    if (!clockStarted) {
      clockStarted = true;
      afterVisibleTime(readAfterMs, reader.due);
    }
    reader.joined();
  });
}

const countElements = () =>
  new Map([...document.querySelectorAll('[data-count-slug]')].map((el) => [el.dataset.countSlug, el]));

/** A post just went up (a scheduled one reached its instant): this page's list is fetched again and swapped in. */
async function refreshList() {
  const response = await fetch(location.href, { headers: { accept: 'text/html' } });
  if (!response.ok) return;
  // An empty index has no list to swap: the page is loaded again instead.
  if (!document.querySelector('ol.posts')) return location.reload();
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const selector of ['ol.posts', 'nav.pagination']) {
    const now = document.querySelector(selector);
    const next = fresh.querySelector(selector);
    if (now && next) now.replaceWith(document.importNode(next, true));
  }
  document.dispatchEvent(new CustomEvent('readcount:list-refreshed'));
}

function joinIndex() {
  let elements = countElements();
  const state = trackLive(document.querySelector('.live-posts'));
  const channel = socket.channel('posts', {});
  channel.onError(state.lost);
  channel.on('count', ({ slug, count }) => showCount(elements.get(slug), count, false));
  channel.on('published', () =>
    refreshList().then(
      () => (elements = countElements()),
      () => {},
    ),
  );
  channel.join().receive('ok', ({ counts }) => {
    state.joined();
    for (const [slug, count] of Object.entries(counts ?? {})) showCount(elements.get(slug), count, true);
  });
}

if (live?.startsWith('post:')) joinPost(live);
else if (live === 'index') joinIndex();
