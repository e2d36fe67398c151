// Browser side of the live counter: joins the page's topic with the official phoenix client and reports a read.

import { referrer, reportViewEnd } from '/assets/engagement.js';
import { Socket } from '/assets/phoenix.mjs';
import { reportReadWhenVisible } from '/assets/visible-time.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
const token = meta('csrf-token');
const live = meta('readcount-live');
const readAfterMs = Number(meta('readcount-read-after-ms') ?? '10000');
const numberFormat = new Intl.NumberFormat(navigator.language || undefined);

const socket = new Socket('/live', { params: { _csrf_token: token } });
socket.connect();

/** Counts only go up, except when a (re)join reply says otherwise: that value is fresh from the server. */
function showCount(element, count, authoritative) {
  if (!element || typeof count !== 'number') return;
  const current = Number(element.dataset.count ?? '0');
  if (!authoritative && count <= current) return;
  element.dataset.count = String(count);
  element.textContent = numberFormat.format(count);
}

function showReading(element, reading) {
  if (!element || typeof reading !== 'number') return;
  element.hidden = reading < 1;
  element.textContent = ` · ${numberFormat.format(reading)} reading now`;
}

function joinPost(topic) {
  const digits = document.querySelector('.counter-digits');
  const reading = document.querySelector('.reading-now');
  const channel = socket.channel(topic, { referrer: referrer(), automated: navigator.webdriver === true });
  reportViewEnd({ token, article: document.querySelector('article'), channel, socketOpen: () => socket.isConnected() });
  // On one instance, "reading now" rides on count pushes; it also comes on its own as `presence`.
  channel.on('count', ({ count, reading: now }) => {
    showCount(digits, count, false);
    showReading(reading, now);
  });
  channel.on('presence', ({ reading: now }) => showReading(reading, now));
  channel.join().receive('ok', ({ count, reading: now }) => {
    showCount(digits, count, true);
    showReading(reading, now);
  });
  reportReadWhenVisible(channel, token, readAfterMs, { referrer: referrer() });
}

function joinIndex() {
  const elements = new Map([...document.querySelectorAll('[data-count-slug]')].map((el) => [el.dataset.countSlug, el]));
  const channel = socket.channel('posts', {});
  channel.on('count', ({ slug, count }) => showCount(elements.get(slug), count, false));
  channel.join().receive('ok', ({ counts }) => {
    for (const [slug, count] of Object.entries(counts ?? {})) showCount(elements.get(slug), count, true);
  });
}

if (live?.startsWith('post:')) joinPost(live);
else if (live === 'index') joinIndex();
