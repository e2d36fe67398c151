// Browser side of /stats: joins `posts` on the live socket; each count push moves the live bars and updates the row.
import { Socket } from '/_readcount/phoenix.mjs';
import { knownCounts, moveLiveBar, sortableTable } from '/_readcount/stats-live.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
// The page's language, as the server formatted its numbers.
const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
const REFRESH_MS = 250;
const READING_POLL_MS = 15_000;

const rows = new Map([...document.querySelectorAll('tr[data-slug]')].map((row) => [row.dataset.slug, row]));
const pending = new Map();

function setNumber(element, value) {
  if (!element || typeof value !== 'number') return;
  element.dataset.count = String(value);
  if (element.dataset.value !== undefined) element.dataset.value = String(value);
  element.textContent = numberFormat.format(value);
}

function sumColumn(selector) {
  let sum = 0;
  for (const cell of document.querySelectorAll(selector)) sum += Number(cell.dataset.count ?? '0');
  return sum;
}

/** The table shows one page of posts; the totals are the rest of the site (from the server) plus the shown rows. */
function updateTotals() {
  for (const [total, column] of [
    ['.stats-total', '.stat-total'],
    ['.stats-today', '.stat-today'],
  ]) {
    const element = document.querySelector(total);
    setNumber(element, Number(element?.dataset.rest ?? '0') + sumColumn(column));
  }
}

/** Today's count and the chart come from the server, so the page shows exactly what the store holds. */
async function refreshRow(slug) {
  const row = rows.get(slug);
  if (!row) return;
  const api = await fetch(`/api/posts/${encodeURIComponent(slug)}`).then((r) => (r.ok ? r.json() : undefined));
  if (api) {
    setNumber(row.querySelector('.stat-today'), api.today);
    if (api.total > Number(row.querySelector('.stat-total')?.dataset.count ?? '0'))
      setNumber(row.querySelector('.stat-total'), api.total);
    if (typeof api.reading === 'number') setNumber(row.querySelector('.stat-reading'), api.reading);
    setNumber(row.querySelector('.stat-views'), api.views);
    setNumber(
      row.querySelector('.stat-reads'),
      api.daily?.reduce((sum, day) => sum + day.count, 0),
    );
  }
  updateTotals();
}

/** Bursts of pushes for one post cost one refresh. */
function scheduleRefresh(slug) {
  if (pending.has(slug)) return;
  pending.set(
    slug,
    setTimeout(() => {
      pending.delete(slug);
      refreshRow(slug).catch(() => undefined);
    }, REFRESH_MS),
  );
}

const socket = new Socket('/live', { params: { _csrf_token: meta('csrf-token') } });
socket.connect();
const channel = socket.channel('posts', {});
channel.on('count', ({ slug, count }) => {
  const cell = rows.get(slug)?.querySelector('.stat-total');
  if (cell && count > Number(cell.dataset.count ?? '0')) setNumber(cell, count);
  moveLiveBar(slug, count);
  updateTotals();
  scheduleRefresh(slug);
});
sortableTable(document.querySelector('table.sortable'));
channel.join().receive('ok', ({ counts }) => {
  knownCounts(counts ?? {});
  for (const [slug, count] of Object.entries(counts ?? {})) {
    const cell = rows.get(slug)?.querySelector('.stat-total');
    moveLiveBar(slug, count);
    if (cell && count !== Number(cell.dataset.count ?? '0')) {
      setNumber(cell, count);
      scheduleRefresh(slug);
    }
  }
  updateTotals();
});

// "Reading now" changes without a count push; a light poll of the JSON API keeps that column honest.
if (document.querySelector('.stat-reading')) {
  setInterval(async () => {
    const response = await fetch('/api/posts').catch(() => undefined);
    if (!response?.ok) return;
    for (const post of (await response.json()).posts)
      setNumber(rows.get(post.slug)?.querySelector('.stat-reading'), post.reading);
  }, READING_POLL_MS);
}
