// Turns many readers' positions into one bounded `ghosts` frame: a fair sample of at most 51 ghosts plus a density histogram.

/** One ghost on the wire: `[id, p, hue, hidden]`, a tuple because 51 of them go to every viewer up to 4 times a second. */
export type GhostEntry = readonly [id: string, p: number, hue: number, hidden: 0 | 1];

/** What one process knows of a post: a sample of its readers' ghosts, how many there are and where (per bin). */
export interface GhostSummary {
  readonly ghosts: readonly GhostEntry[];
  readonly total: number;
  readonly density: readonly number[];
}

/** The `ghosts` push: `density` only when some readers are not among `ghosts`. */
export interface GhostFrame {
  readonly ghosts: readonly GhostEntry[];
  readonly total: number;
  readonly density?: readonly number[];
}

/** Ghosts a page shows at most; a frame carries one more, as each receiver drops its own. */
export const MAX_GHOSTS = 50;
export const FRAME_GHOSTS = MAX_GHOSTS + 1;
/** The density strip's resolution: 5 % of the article per bin. */
export const DENSITY_BINS = 20;

export const binOf = (p: number): number => Math.min(DENSITY_BINS - 1, Math.max(0, Math.floor(p * DENSITY_BINS)));

export function histogram(ghosts: Iterable<GhostEntry>): number[] {
  const bins = new Array<number>(DENSITY_BINS).fill(0);
  for (const ghost of ghosts) bins[binOf(ghost[1])] = (bins[binOf(ghost[1])] ?? 0) + 1;
  return bins;
}

/**
 * Picks at most `limit` ghosts spread like the readers are: every part of the article that has readers keeps at least
 * one ghost, the rest of the slots go to bins in proportion to `density` (largest remainder). Within a bin, ghosts
 * shown last time stay (`previous`), so a crowd does not make markers flicker; then the lowest ids (random) fill up.
 */
export function select(
  candidates: readonly GhostEntry[],
  density: readonly number[],
  limit: number,
  previous: ReadonlySet<string> = new Set(),
): GhostEntry[] {
  if (candidates.length <= limit) return [...candidates];
  const bins: GhostEntry[][] = Array.from({ length: DENSITY_BINS }, () => []);
  for (const ghost of candidates) bins[binOf(ghost[1])]?.push(ghost);
  const weight = bins.map((bin, b) => (bin.length === 0 ? 0 : Math.max(bin.length, density[b] ?? 0)));
  const totalWeight = weight.reduce((sum, w) => sum + w, 0);
  const quota = bins.map((bin): number => (bin.length > 0 ? 1 : 0));
  let left = limit - quota.reduce((sum, q) => sum + q, 0);
  while (left > 0) {
    let best = -1;
    let bestGap = -Infinity;
    for (let b = 0; b < DENSITY_BINS; b += 1) {
      if ((quota[b] ?? 0) >= (bins[b]?.length ?? 0)) continue;
      const gap = (limit * (weight[b] ?? 0)) / totalWeight - (quota[b] ?? 0);
      if (gap > bestGap) {
        bestGap = gap;
        best = b;
      }
    }
    if (best < 0) break;
    quota[best] = (quota[best] ?? 0) + 1;
    left -= 1;
  }
  const chosen: GhostEntry[] = [];
  for (const [b, bin] of bins.entries()) {
    bin.sort((x, y) => Number(previous.has(y[0])) - Number(previous.has(x[0])) || (x[0] < y[0] ? -1 : 1));
    chosen.push(...bin.slice(0, quota[b]));
  }
  return chosen;
}

/** Merges what every process knows (this one's full set first) into the frame its viewers get. */
export function merge(parts: readonly GhostSummary[], previous?: ReadonlySet<string>): GhostFrame {
  const candidates: GhostEntry[] = [];
  const density = new Array<number>(DENSITY_BINS).fill(0);
  let total = 0;
  for (const part of parts) {
    candidates.push(...part.ghosts);
    total += part.total;
    for (let b = 0; b < DENSITY_BINS; b += 1) density[b] = (density[b] ?? 0) + (part.density[b] ?? 0);
  }
  const ghosts = select(candidates, density, FRAME_GHOSTS, previous);
  return total > FRAME_GHOSTS ? { ghosts, total, density } : { ghosts, total };
}

/** A ghost's colour: a hue from the page view's random id, so it is stable across reconnects and links nothing. */
export function hueOf(view: string): number {
  let hash = 2166136261;
  for (let i = 0; i < view.length; i += 1) hash = Math.imul(hash ^ view.charCodeAt(i), 16777619);
  return (hash >>> 0) % 360;
}
