// The engagement part of a post's receipt: views and end-of-view reports counted and refused by reason, numbers only.
import type { EngagementReceipt } from '../../engagement/engagement-receipts.js';
import { EN } from '../../i18n/how-we-count/en.js';
import type { HowWeCountProse } from '../../i18n/how-we-count-prose.js';
import { prose } from './how-we-count.js';
import { formatCount as defaultFormat, html, type RawHtml } from './html.js';

const rows = (
  tally: Readonly<Record<string, number>>,
  named: Readonly<Record<string, string>>,
  formatCount: (count: number) => string,
) =>
  Object.entries(tally).map(
    ([reason, count]) =>
      html`<tr><td>${named[reason] ?? reason}</td><td data-reason="${reason}">${formatCount(count)}</td></tr>`,
  );

export function engagementReceiptSection(
  receipt: EngagementReceipt,
  words: HowWeCountProse = EN,
  formatCount: (count: number) => string = defaultFormat,
): RawHtml {
  const named: Readonly<Record<string, string>> = words.engagementReasons;
  return html`<section class="receipt" id="engagement-receipt">
<h3>${words.engagementHeading}</h3>
<p>${prose(words.engagementSummary, {
    views: html`<strong data-receipt="views">${formatCount(receipt.views)}</strong>`,
    reports: html`<strong data-receipt="reports">${formatCount(receipt.reports)}</strong>`,
    clamped: formatCount(receipt.reportsClamped),
    badReferrers: formatCount(receipt.badReferrers),
  })}</p>
<table class="receipt-table">
<thead><tr><th scope="col">${words.viewsRefusedBecause}</th><th scope="col">${words.viewsColumn}</th></tr></thead>
<tbody>${rows(receipt.viewsRefused, named, formatCount)}</tbody>
</table>
<table class="receipt-table">
<thead><tr><th scope="col">${words.reportsRefusedBecause}</th><th scope="col">${words.reportsColumn}</th></tr></thead>
<tbody>${rows(receipt.reportsRefused, named, formatCount)}</tbody>
</table>
</section>`;
}
