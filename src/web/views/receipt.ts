// The per-post receipt on the "how we count" page: reads counted and refused by reason, numbers only.
import type { Receipt } from '../../counting/receipts.js';
import type { Post } from '../../posts/post.js';
import { formatCount, html, type RawHtml } from './html.js';

/** Plain words for each refusal reason a receipt can hold (codes are in src/errors.ts). */
export const RECEIPT_REASONS: Readonly<Record<string, string>> = {
  repeat_visitor: 'Repeat visits (already counted today)',
  network_limit: 'Over the allowance for one network (MAX_READS_PER_NETWORK)',
  too_early: 'Too early (before the reading time had passed)',
  bot: 'Bots and automated browsers',
  invalid_token: 'Bad or expired page token',
  token_replayed: 'Replayed page token (already counted)',
  dnt: 'Do Not Track / Global Privacy Control',
  rate_limited: 'Rate-limited (too many messages)',
  too_many_connections: 'Over the connection limit for one address',
  retry_later: 'Not decided in time while the store was failing (sent again by the page)',
};

export interface ReceiptView extends Receipt {
  readonly total: number;
  readonly since: Date;
}

export function receiptSection(post: Pick<Post, 'slug' | 'title'>, receipt: ReceiptView): RawHtml {
  const reasons = [...new Set([...Object.keys(RECEIPT_REASONS), ...Object.keys(receipt.refused)])];
  const refused = Object.values(receipt.refused).reduce((sum, n) => sum + n, 0);
  return html`<section class="receipt" id="receipt">
<h2>Receipt for <a href="/post/${post.slug}">${post.title}</a></h2>
<p>Total readers: <strong>${formatCount(receipt.total)}</strong>. Since ${receipt.since.toISOString().slice(0, 16).replace('T', ' ')} UTC
this server counted <strong data-receipt="counted">${formatCount(receipt.counted)}</strong> reads and refused
<strong data-receipt="refused">${formatCount(refused)}</strong>:</p>
<table class="receipt-table">
<thead><tr><th scope="col">Refused because</th><th scope="col">Reads</th></tr></thead>
<tbody>${reasons.map((reason) => html`<tr><td>${RECEIPT_REASONS[reason] ?? reason}</td><td data-reason="${reason}">${formatCount(receipt.refused[reason] ?? 0)}</td></tr>`)}</tbody>
</table>
<p>The same numbers as JSON: <a href="/api/posts/${post.slug}/receipt">/api/posts/${post.slug}/receipt</a>. They hold no personal data and start again when the server restarts.</p>
</section>`;
}

export function receiptLinks(posts: readonly Pick<Post, 'slug' | 'title'>[]): RawHtml {
  if (posts.length === 0) return html``;
  return html`<section class="receipt"><h2>Receipts</h2><ul>${posts.map(
    (post) => html`<li><a href="/how-we-count?post=${post.slug}#receipt">${post.title}</a></li>`,
  )}</ul></section>`;
}
