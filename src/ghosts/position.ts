// What a reader's `position` push may carry: a fraction of the article (0..1, rounded to 1 %) and whether the tab is hidden.

export interface Position {
  /** Fraction of the article's text above the reader's reading line, in whole percent steps (0, 0.01, … 1). */
  readonly p: number;
  readonly hidden: boolean;
}

/** Positions travel and are kept as whole percents: finer would only add bytes and make ghosts jitter. */
export const roundPosition = (p: number): number => Math.round(p * 100) / 100;

/**
 * `{p: number 0..1, hidden?: boolean}`; anything else (a string, NaN, -0.1, 1.5, hidden: "yes") is refused whole,
 * so no half-valid message ever moves a ghost. Other fields are ignored, as a newer client may send more.
 */
export function parsePosition(payload: Record<string, unknown>): Position | undefined {
  const { p, hidden } = payload;
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) return undefined;
  if (hidden !== undefined && typeof hidden !== 'boolean') return undefined;
  return { p: roundPosition(p), hidden: hidden === true };
}
