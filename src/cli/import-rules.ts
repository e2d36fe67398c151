// What an import file may hold: whole counts under the store's named limits, real calendar days of 1970–9999, text shown escaped.

/** The bounds an import checks, from IMPORT_MAX_DAY_COUNT and IMPORT_MAX_TOTAL (both far below 2^53). */
export interface ImportLimits {
  readonly maxDayCount: number;
  readonly maxTotal: number;
}

const DAY = /^(\d{4})-\d{2}-\d{2}$/;
const FIRST_YEAR = 1970;

/** A whole count ≥ 0 no greater than `max`. */
export const isCountUpTo = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;

/** `YYYY-MM-DD` naming a day that exists (no 2023-02-30) in the years 1970–9999. */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const year = DAY.exec(value)?.[1];
  if (year === undefined || Number(year) < FIRST_YEAR) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

// C0 and C1 controls, DEL, and the characters that reorder or hide text on a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text from an import file made safe to print: control characters and escape sequences shown as `\x1b`, `\u202e`. */
export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
