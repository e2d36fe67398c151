// The dashboard's live reads-per-post bars (the reference blog's twist) and its sortable posts table.
// The page's language, as the server formatted its numbers.
const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

const pluralRules = new Intl.PluralRules(document.documentElement.lang || undefined);

const listOf = () => document.querySelector('ol.live-bars');
const barOf = (list, slug) => [...list.children].find((li) => li.dataset.slug === slug);
const countOf = (element) => Number(element?.dataset.count ?? '0');
/** Counts at join (slugs absent were never read), so a first read can leave the folded list exactly once. */
const known = new Map();
let joined = false;

export function knownCounts(counts) {
  for (const [slug, count] of Object.entries(counts)) known.set(slug, count);
  joined = true;
}

/** Bars widen against the busiest post and stay in rank order, the busiest on top. */
function rescale(list) {
  const bars = [...list.children];
  bars.sort((a, b) => countOf(b) - countOf(a));
  const max = Math.max(1, ...bars.map(countOf));
  list.dataset.max = String(max);
  for (const li of bars) {
    const fill = li.querySelector('.live-fill');
    if (fill) fill.style.width = `${(100 * countOf(li)) / max}%`;
    list.append(li);
  }
  const limit = Number(list.dataset.limit ?? '20');
  for (const li of bars.slice(limit)) li.remove();
}

/** A post's first read: out of the folded "no reads yet" list, and one fewer in its count. */
function leaveUnread(slug, count) {
  const before = known.get(slug) ?? 0;
  known.set(slug, Math.max(before, count));
  const folded = document.querySelector('details.live-unread');
  const item = folded && [...folded.querySelectorAll('li[data-slug]')].find((li) => li.dataset.slug === slug);
  if (!folded || !(item || (joined && before === 0))) return undefined;
  const title = item?.textContent ?? undefined;
  item?.remove();
  const left = Math.max(0, countOf(folded) - 1);
  folded.dataset.count = String(left);
  if (left === 0) folded.remove();
  rewordUnread(folded, left);
  return title;
}

/** The summary's words for `left` posts, from the plural forms the server put in `data-plural` ("{n} posts …"). */
function rewordUnread(folded, left) {
  const summary = folded.querySelector('summary');
  const number = folded.querySelector('.live-unread-count');
  if (!summary || !number) return;
  number.textContent = numberFormat.format(left);
  let forms = {};
  try {
    forms = JSON.parse(summary.dataset.plural ?? '{}');
  } catch {}
  const form = forms[pluralRules.select(left)] ?? forms.other;
  if (typeof form !== 'string' || !form.includes('{n}')) return;
  const [before, after] = [form.slice(0, form.indexOf('{n}')), form.slice(form.indexOf('{n}') + 3)];
  summary.replaceChildren(before, number, after);
}

/** A new bar for a post outside the list, when it now outranks the last one shown (its title from the API). */
async function addBar(list, slug, count, title) {
  const bars = [...list.children];
  if (bars.length >= Number(list.dataset.limit ?? '20') && count <= countOf(bars.at(-1))) return;
  const name =
    title ??
    (
      await fetch(`/api/posts/${encodeURIComponent(slug)}`)
        .then((r) => (r.ok ? r.json() : undefined))
        .catch(() => undefined)
    )?.title;
  if (typeof name !== 'string' || barOf(list, slug)) return;
  const li = document.createElement('li');
  li.className = 'live-bar';
  li.dataset.slug = slug;
  li.dataset.count = String(count);
  const label = li.appendChild(document.createElement('span'));
  label.className = 'live-label';
  const link = label.appendChild(document.createElement('a'));
  link.className = 'live-title';
  const token = new URLSearchParams(location.search).get('token');
  const days = document.querySelector('section.stats')?.dataset.days ?? '30';
  link.href = `/stats/${encodeURIComponent(slug)}?days=${days}${token ? `&token=${encodeURIComponent(token)}` : ''}`;
  link.title = name;
  link.textContent = name;
  label.append(' ');
  const number = label.appendChild(document.createElement('span'));
  number.className = 'live-count';
  number.textContent = numberFormat.format(count);
  const track = li.appendChild(document.createElement('span'));
  track.className = 'live-track';
  track.setAttribute('aria-hidden', 'true');
  track.appendChild(document.createElement('span')).className = 'live-fill';
  list.append(li);
  document.querySelector('.live-none')?.remove();
  rescale(list);
}

/** A count push: the post's bar grows (or appears), and the bars are rescaled and reordered. */
export function moveLiveBar(slug, count) {
  const list = listOf();
  if (!list || typeof count !== 'number' || count <= 0) return;
  const title = leaveUnread(slug, count);
  const bar = barOf(list, slug);
  if (!bar) {
    addBar(list, slug, count, title).catch(() => undefined);
    return;
  }
  if (count <= countOf(bar)) return;
  bar.dataset.count = String(count);
  const label = bar.querySelector('.live-count');
  if (label) label.textContent = numberFormat.format(count);
  rescale(list);
}

/** Header buttons sort the rows by the cells' data-value (numbers numerically); a second click reverses. */
export function sortableTable(table) {
  if (!table) return;
  const headers = [...table.querySelectorAll('thead th')];
  headers.forEach((th, column) => {
    const button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', () => {
      const descending = th.getAttribute('aria-sort') !== 'descending';
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const body = table.tBodies[0];
      const rows = [...body.rows];
      const value = (row) => row.cells[column]?.dataset.value ?? '';
      rows.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = Number.isNaN(Number(x)) || Number.isNaN(Number(y)) ? x.localeCompare(y) : Number(x) - Number(y);
        return descending ? -order : order;
      });
      for (const row of rows) body.append(row);
    });
  });
}
