// The words of the "how we count" page and its receipts, per language; the page picks them by the site's language.
import { DE } from './how-we-count/de.js';
import { EN } from './how-we-count/en.js';
import { ES } from './how-we-count/es.js';
import { FR } from './how-we-count/fr.js';
import { IT } from './how-we-count/it.js';
import { NL } from './how-we-count/nl.js';
import { PT } from './how-we-count/pt.js';

/** Why a read was refused (codes in src/errors.ts); a receipt may hold others, shown by their code. */
export type ReadReason = keyof typeof EN.readReasons;
/** Why a view or an end-of-view report was refused. */
type EngagementReason = keyof typeof EN.engagementReasons;

/**
 * Sentences with `{name}` parts the page fills in (numbers, the post's link). The texts are ours, so they may hold
 * inline markup (`<strong>`); what fills the parts is escaped by the page.
 */
export interface HowWeCountProse {
  readonly heading: string;
  /** `{seconds}`: READ_AFTER_MS in seconds. */
  readonly intro: string;
  readonly uniqueDaily: string;
  readonly everyRead: string;
  readonly bots: string;
  readonly privacy: string;
  readonly receipts: string;
  readonly receiptsHeading: string;
  /** `{post}`: the post's title, linked. */
  readonly receiptFor: string;
  /** `{total}`, `{since}` (a UTC date and time), `{counted}`, `{refused}`. */
  readonly receiptSummary: string;
  readonly refusedBecause: string;
  readonly readsColumn: string;
  /** `{link}`: the receipt's JSON address, linked. */
  readonly receiptJson: string;
  readonly readReasons: Readonly<Record<ReadReason, string>>;
  readonly engagementHeading: string;
  /** `{views}`, `{reports}`, `{clamped}`, `{badReferrers}`. */
  readonly engagementSummary: string;
  readonly viewsRefusedBecause: string;
  readonly viewsColumn: string;
  readonly reportsRefusedBecause: string;
  readonly reportsColumn: string;
  readonly engagementReasons: Readonly<Record<EngagementReason, string>>;
}

const PROSE: Readonly<Record<string, HowWeCountProse>> = { en: EN, de: DE, fr: FR, es: ES, pt: PT, it: IT, nl: NL };

/** The prose for a language tag (`de-AT` → German), English for a language without its own. */
export function howWeCountProse(language: string): HowWeCountProse {
  const tag = language.toLowerCase();
  return PROSE[tag] ?? PROSE[tag.split('-')[0] ?? ''] ?? EN;
}
