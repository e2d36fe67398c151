// Dates as the author wrote them: parsing `2013-05-12 14:45:00 +0200` and ISO 8601, and showing them without a UTC shift.

// Jekyll (Ruby's Time.parse) takes one-digit months, days and hours (`2019-04-25 9:00:00`), and `UTC` as a zone.
const DATE_TEXT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?[ \t]*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/;
/** Astro's template writes `Jul 08 2022` (what `new Date()` reads); also `July 8, 2022` and `8 July 2022`. */
const MONTH_FIRST = /^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;
const DAY_FIRST = /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/;
const FULL_MONTHS = 'january february march april may june july august september october november december'.split(' ');
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** `HH:MM:SS(.fff)` when a time was written. */
  readonly time: string | undefined;
  /** `Z` or `+HH:MM` when an offset was written. */
  readonly zone: string | undefined;
}

/** `Jul 08 2022` as `2022-07-08`; undefined when the text is not a day with a month name. */
function namedMonthDay(text: string): string | undefined {
  const first = MONTH_FIRST.exec(text);
  const second = first ? undefined : DAY_FIRST.exec(text);
  const [name, day, year] = first ? [first[1], first[2], first[3]] : second ? [second[2], second[1], second[3]] : [];
  const month = MONTH_NAMES.indexOf((name ?? '').slice(0, 3).toLowerCase());
  // `Sept`, `June`: a full or abbreviated name; `Junk` is no month.
  const written = (name ?? '').toLowerCase().replace(/^sept$/, 'sep');
  if (month < 0 || !(FULL_MONTHS[month] ?? '').startsWith(written)) return undefined;
  return `${year}-${String(month + 1).padStart(2, '0')}-${(day ?? '').padStart(2, '0')}`;
}

function parts(text: string): DateParts | undefined {
  const trimmed = text.trim();
  const match = DATE_TEXT.exec(namedMonthDay(trimmed) ?? trimmed);
  if (!match) return undefined;
  const [, y, m, d, h, mm, ss, frac, zone] = match;
  const hh = h?.padStart(2, '0');
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2024-02-30 over into March; a typo like that should be reported, not published.
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    return undefined;
  if (hh === undefined) return { year, month, day, time: undefined, zone: undefined };
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return undefined;
  const offset = normalizeZone(zone);
  if (zone !== undefined && offset === undefined) return undefined;
  return { year, month, day, time: `${hh}:${mm}:${ss ?? '00'}${frac ?? ''}`, zone: offset };
}

function normalizeZone(zone: string | undefined): string | undefined {
  if (zone === undefined) return undefined;
  if (zone === 'Z' || zone === 'z' || zone === 'UTC' || zone === 'GMT') return 'Z';
  const digits = zone.replace(':', '');
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return `${digits[0]}${digits.slice(1, 3)}:${String(minutes).padStart(2, '0')}`;
}

/**
 * The instant a date text names: `YYYY-MM-DD` is UTC midnight; a time without an offset is taken as UTC;
 * `2013-05-12 14:45:00 +0200`, `…T…Z` and `…T…-07:00` are exact. Undefined when the text is no valid date.
 */
export function parseDateText(text: string): Date | undefined {
  const p = parts(text);
  if (!p) return undefined;
  const day = `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;
  if (p.time === undefined) return new Date(`${day}T00:00:00Z`);
  const time = Date.parse(`${day}T${p.time}${p.zone ?? 'Z'}`);
  return Number.isNaN(time) ? undefined : new Date(time);
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});

/**
 * The calendar day as the author wrote it, e.g. "12 May 2013" for `2013-05-12 23:30:00 -0700` (which is already
 * 13 May in UTC). Falls back to the UTC day of `date` when there is no date text.
 */
export function displayDate(post: { readonly date: Date; readonly dateText?: string | undefined }): string {
  return DAY_FORMAT.format(calendarDay(post));
}

/** The calendar day the author wrote, as UTC midnight of that day, for formatting in any language. */
export function calendarDay(post: { readonly date: Date; readonly dateText?: string | undefined }): Date {
  const p = post.dateText === undefined ? undefined : parts(post.dateText);
  return p ? new Date(Date.UTC(p.year, p.month - 1, p.day)) : post.date;
}

/**
 * A machine-readable form for `<time datetime>` that keeps the author's offset: `2013-05-12T14:45:00+02:00`,
 * or just `2013-05-12` when only a day was written.
 */
export function datetimeAttribute(post: { readonly date: Date; readonly dateText?: string | undefined }): string {
  const p = post.dateText === undefined ? undefined : parts(post.dateText);
  if (!p) return post.date.toISOString();
  const day = `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;
  return p.time === undefined ? day : `${day}T${p.time}${p.zone ?? 'Z'}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
