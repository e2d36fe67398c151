// Browser side of the live counter: joins the page's topic with the official phoenix client and reports a read.
import { Socket } from '/assets/phoenix.mjs';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
const token = meta('csrf-token');
const live = meta('readcount-live');
const readAfterMs = Number(meta('readcount-read-after-ms') ?? '10000');
const numberFormat = new Intl.NumberFormat(navigator.language || undefined);
const MAX_TOO_EARLY_RETRIES = 3;

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

/** Calls `done` once the page has been visible for `ms` in total (hidden time does not count). */
function afterVisibleTime(ms, done) {
  let visibleMs = 0;
  let since = document.visibilityState === 'visible' ? performance.now() : undefined;
  let timer;
  const arm = () => {
    clearTimeout(timer);
    if (since === undefined) return;
    timer = setTimeout(() => {
      document.removeEventListener('visibilitychange', onChange);
      done();
    }, Math.max(0, ms - visibleMs));
  };
  const onChange = () => {
    if (document.visibilityState === 'visible') {
      since = performance.now();
    } else if (since !== undefined) {
      visibleMs += performance.now() - since;
      since = undefined;
    }
    arm();
  };
  document.addEventListener('visibilitychange', onChange);
  arm();
}

function joinPost(topic) {
  const digits = document.querySelector('.counter-digits');
  const reading = document.querySelector('.reading-now');
  const channel = socket.channel(topic, {});
  channel.on('count', ({ count }) => showCount(digits, count, false));
  channel.on('presence', ({ reading: now }) => showReading(reading, now));
  channel.join().receive('ok', ({ count, reading: now }) => {
    showCount(digits, count, true);
    showReading(reading, now);
  });
  let retries = 0;
  const report = () => {
    channel
      .push('reader', { csrf_token: token, automated: navigator.webdriver === true })
      .receive('error', ({ reason, retry_after_ms: retryAfter }) => {
        // The server's clock is the judge; if ours ran fast, wait the difference and ask once more.
        if (reason === 'too_early' && retries < MAX_TOO_EARLY_RETRIES) {
          retries += 1;
          setTimeout(report, Math.min(Number(retryAfter) || 1000, readAfterMs) + 50);
        }
      });
  };
  afterVisibleTime(readAfterMs, report);
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
