// The dashboard's live reads-per-post bars (the reference blog's twist) and its sortable posts table.
const numberFormat = new Intl.NumberFormat(navigator.language || undefined);

/** A count push: the post's bar grows; every bar is rescaled when the busiest post changes. */
export function moveLiveBar(slug, count) {
  const svg = document.querySelector('svg.chart-live');
  const bar = svg && [...svg.querySelectorAll('g.live-bar')].find((g) => g.dataset.slug === slug);
  if (!bar || typeof count !== 'number' || count <= Number(bar.dataset.count ?? '0')) return;
  bar.dataset.count = String(count);
  const label = bar.querySelector('.live-count');
  if (label) label.textContent = numberFormat.format(count);
  const bars = [...svg.querySelectorAll('g.live-bar')];
  const max = Math.max(1, ...bars.map((g) => Number(g.dataset.count ?? '0')));
  svg.dataset.max = String(max);
  for (const g of bars)
    g.querySelector('rect')?.setAttribute('width', `${(100 * Number(g.dataset.count ?? '0')) / max}%`);
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
