// The engagement part of a post's receipt: views and end-of-view reports counted and refused by reason, numbers only.
import type { EngagementReceipt } from '../../engagement/engagement-receipts.js';
import { formatCount, html, type RawHtml } from './html.js';

/** Plain words for each reason (codes in src/errors.ts, rules in docs/counting.md). */
const REASONS: Readonly<Record<string, string>> = {
  bot: 'Bots and automated browsers',
  dnt: 'Do Not Track / Global Privacy Control',
  repeat_visitor: 'Repeat visits (already counted today)',
  invalid_token: 'Bad, forged or expired page token',
  not_viewed: 'Page view never counted as a view',
  already_reported: 'Second report for the same page view',
  bad_visible_time: 'Visible time not a number, negative or too long',
  bad_depth: 'Depth not a number between 0 and 1',
};

const rows = (tally: Readonly<Record<string, number>>) =>
  Object.entries(tally).map(
    ([reason, count]) =>
      html`<tr><td>${REASONS[reason] ?? reason}</td><td data-reason="${reason}">${formatCount(count)}</td></tr>`,
  );

export function engagementReceiptSection(receipt: EngagementReceipt): RawHtml {
  return html`<section class="receipt" id="engagement-receipt">
<h3>Views and end-of-view reports</h3>
<p>Since the same time this server counted <strong data-receipt="views">${formatCount(receipt.views)}</strong> views and took
<strong data-receipt="reports">${formatCount(receipt.reports)}</strong> end-of-view reports
(${formatCount(receipt.reportsClamped)} cut to what the server's clock allows).
${formatCount(receipt.badReferrers)} referrers were not web addresses and counted as direct.</p>
<table class="receipt-table">
<thead><tr><th scope="col">Views refused because</th><th scope="col">Views</th></tr></thead>
<tbody>${rows(receipt.viewsRefused)}</tbody>
</table>
<table class="receipt-table">
<thead><tr><th scope="col">Reports refused because</th><th scope="col">Reports</th></tr></thead>
<tbody>${rows(receipt.reportsRefused)}</tbody>
</table>
</section>`;
}
