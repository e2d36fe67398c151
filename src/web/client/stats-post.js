// Browser side of /stats/<slug>: the post's reads and "reading now" follow the live `posts` topic and the JSON API.
import { Socket } from '/_readcount/phoenix.mjs';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
const section = document.querySelector('section.stats-post');
const slug = section?.dataset.slug;
const days = section?.dataset.days ?? '30';
// The page's language, as the server formatted its numbers.
const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
const percent = (value) => (typeof value === 'number' ? `${Math.round(value * 100)} %` : '–');
let timer;
// With STATS_TOKEN set, the per-day series needs the token the page was opened with.
const statsToken = new URLSearchParams(location.search).get('token');
const tokenQuery = statsToken ? `&token=${encodeURIComponent(statsToken)}` : '';

async function refresh() {
  const response = await fetch(`/api/posts/${encodeURIComponent(slug)}?days=${days}${tokenQuery}`).catch(
    () => undefined,
  );
  if (!response?.ok) return;
  const post = await response.json();
  const set = (kind, text) => {
    const element = document.querySelector(`.post-${kind}`);
    if (element) element.textContent = text;
  };
  set('views', numberFormat.format(post.views));
  set('reads', numberFormat.format(post.daily.reduce((sum, day) => sum + day.count, 0)));
  set('ratio', percent(post.readRatio));
  set('through', percent(post.readThrough));
  if (typeof post.reading === 'number') set('reading', numberFormat.format(post.reading));
}

if (slug) {
  const socket = new Socket('/live', { params: { _csrf_token: meta('csrf-token') } });
  socket.connect();
  const channel = socket.channel('posts', {});
  channel.on('count', (push) => {
    if (push.slug !== slug) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  channel.join();
  setInterval(refresh, 15_000);
}
