// The per-post receipt on the "how we count" page: reads counted and refused by reason, numbers only.
import type { Receipt } from '../../counting/receipts.js';
import { EN } from '../../i18n/how-we-count/en.js';
import type { HowWeCountProse, ReadReason } from '../../i18n/how-we-count-prose.js';
import type { Post } from '../../posts/post.js';
import { prose } from './how-we-count.js';
import { formatCount as defaultFormat, html, type RawHtml } from './html.js';

/** Every refusal reason a receipt lists, in English (docs/counting.md explains each code). */
export const RECEIPT_REASONS: Readonly<Record<ReadReason, string>> = EN.readReasons;

export interface ReceiptView extends Receipt {
  readonly total: number;
  readonly since: Date;
}

export function receiptSection(
  post: Pick<Post, 'slug' | 'title'>,
  receipt: ReceiptView,
  words: HowWeCountProse = EN,
  /** The site's number format (Labels.count). */
  formatCount: (count: number) => string = defaultFormat,
): RawHtml {
  const reasons = [...new Set([...Object.keys(RECEIPT_REASONS), ...Object.keys(receipt.refused)])];
  const refused = Object.values(receipt.refused).reduce((sum, n) => sum + n, 0);
  const named: Readonly<Record<string, string>> = words.readReasons;
  const json = `/api/posts/${post.slug}/receipt`;
  return html`<section class="receipt" id="receipt">
<h2>${prose(words.receiptFor, { post: html`<a href="/post/${post.slug}">${post.title}</a>` })}</h2>
<p>${prose(words.receiptSummary, {
    total: html`<strong>${formatCount(receipt.total)}</strong>`,
    since: receipt.since.toISOString().slice(0, 16).replace('T', ' '),
    counted: html`<strong data-receipt="counted">${formatCount(receipt.counted)}</strong>`,
    refused: html`<strong data-receipt="refused">${formatCount(refused)}</strong>`,
  })}</p>
<table class="receipt-table">
<thead><tr><th scope="col">${words.refusedBecause}</th><th scope="col">${words.readsColumn}</th></tr></thead>
<tbody>${reasons.map((reason) => html`<tr><td>${named[reason] ?? reason}</td><td data-reason="${reason}">${formatCount(receipt.refused[reason] ?? 0)}</td></tr>`)}</tbody>
</table>
<p>${prose(words.receiptJson, { link: html`<a href="${json}">${json}</a>` })}</p>
</section>`;
}

export function receiptLinks(posts: readonly Pick<Post, 'slug' | 'title'>[], words: HowWeCountProse = EN): RawHtml {
  if (posts.length === 0) return html``;
  return html`<section class="receipt"><h2>${words.receiptsHeading}</h2><ul>${posts.map(
    (post) => html`<li><a href="/how-we-count?post=${post.slug}#receipt">${post.title}</a></li>`,
  )}</ul></section>`;
}
