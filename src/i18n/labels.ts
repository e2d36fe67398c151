// A site's words in its language: labels from the table (overridable in the site file), plurals and dates through Intl.
import { ENGLISH, LABEL_TABLE, type LabelKey } from './label-table.js';

export type { LabelKey } from './label-table.js';

/** Keys a site file may override: every label, plus any plural category of a plural label (`reader_few`). */
const PLURAL_BASES = new Set(Object.keys(ENGLISH).flatMap((key) => (key.endsWith('_one') ? [key.slice(0, -4)] : [])));
const CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

/** True when `key` names a label (or a plural form of one) that `labels:` may set. */
export function isLabelKey(key: string): boolean {
  if (key in ENGLISH) return true;
  const cut = key.lastIndexOf('_');
  return (
    cut > 0 && PLURAL_BASES.has(key.slice(0, cut)) && (CATEGORIES as readonly string[]).includes(key.slice(cut + 1))
  );
}

type Vars = Readonly<Record<string, string | number>>;

// Built once per language: Intl constructors are slow and pages format many dates.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const monthFormats = new Map<string, Intl.DateTimeFormat>();
const shortDayFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const tenthsFormats = new Map<string, Intl.NumberFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, language: string, options: Intl.DateTimeFormatOptions) {
  let format = cache.get(language);
  if (!format) {
    // Plain `en` keeps the day-month-year order readcount always showed ("12 May 2013").
    format = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, { ...options, timeZone: 'UTC' });
    cache.set(language, format);
  }
  return format;
}

/** Labels with plural forms (`reader_one`, `reader_other`, …). */
export type PluralBase = 'reader' | 'post' | 'unread' | 'matched';

/**
 * The words of one site. Plain data (language and strings) so a changed site file compares by value; the methods
 * live on the prototype.
 */
export class Labels {
  readonly language: string;
  readonly strings: Readonly<Record<string, string>>;

  constructor(language: string, overrides: Readonly<Record<string, string>> = {}) {
    this.language = language;
    const base = language.toLowerCase().split('-')[0] ?? 'en';
    this.strings = { ...ENGLISH, ...LABEL_TABLE[base], ...LABEL_TABLE[language.toLowerCase()], ...overrides };
  }

  /** A label with its `{name}` parts filled in (values are not escaped: the HTML template escapes the result). */
  t(key: LabelKey, vars: Vars = {}): string {
    return fill(this.strings[key] ?? ENGLISH[key], vars);
  }

  /** The plural form of `base` (`reader`, `post`) for `count`, e.g. "reader" for 1 and "readers" for 2 in English. */
  plural(base: PluralBase, count: number, vars: Vars = {}): string {
    const category = pluralRules(this.language).select(count);
    const text = this.strings[`${base}_${category}`] ?? this.strings[`${base}_other`] ?? '';
    return fill(text, { n: this.count(count), ...vars });
  }

  /** Every plural form of `base` this language uses, for the browser to pick from as counts change. */
  pluralForms(base: PluralBase): Record<string, string> {
    const forms: Record<string, string> = {};
    for (const category of pluralRules(this.language).resolvedOptions().pluralCategories) {
      forms[category] = this.strings[`${base}_${category}`] ?? this.strings[`${base}_other`] ?? '';
    }
    return forms;
  }

  /** A calendar day (UTC) in the site's language: "12 May 2013", "12. Mai 2013". */
  day(date: Date): string {
    return cached(dayFormats, this.language, { year: 'numeric', month: 'long', day: 'numeric' }).format(date);
  }

  /** A day and month (UTC), for chart axes: "12 May", "12. Mai". */
  shortDay(date: Date): string {
    return cached(shortDayFormats, this.language, { month: 'short', day: 'numeric' }).format(date);
  }

  /** A whole number with the language's digit grouping: "1,234", "1.234". */
  count(value: number): string {
    let format = numberFormats.get(this.language);
    if (!format) {
      // Plain `en` groups as the pages always did ("1,234"), whichever English the reader's browser prefers.
      format = new Intl.NumberFormat(this.language === 'en' ? 'en-US' : this.language);
      numberFormats.set(this.language, format);
    }
    return format.format(value);
  }

  /** A number with one decimal in the language's way: "4.5", "4,5". */
  tenths(value: number): string {
    let format = tenthsFormats.get(this.language);
    if (!format) {
      format = new Intl.NumberFormat(this.language === 'en' ? 'en-US' : this.language, {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      });
      tenthsFormats.set(this.language, format);
    }
    return format.format(value);
  }

  /** A month and year (UTC): "May 2013", "Mai 2013". */
  month(date: Date): string {
    return cached(monthFormats, this.language, { year: 'numeric', month: 'long' }).format(date);
  }
}

const rules = new Map<string, Intl.PluralRules>();
function pluralRules(language: string): Intl.PluralRules {
  let rule = rules.get(language);
  if (!rule) {
    rule = new Intl.PluralRules(language);
    rules.set(language, rule);
  }
  return rule;
}

function fill(text: string, vars: Vars): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** English labels, for pages built without a site (tests, the embed). */
export const DEFAULT_LABELS = new Labels('en');
