// Without SITE_URL, which request origins get cached bodies: the most used ones, so a forged Host never evicts the site's.

/** Origins whose pages are cached at once without SITE_URL (localhost, a LAN name, the public name). */
export const MAX_CACHED_ORIGINS = 4;
/** Origins whose requests are counted to find the most used; past this, the least used one not cached is forgotten. */
export const TRACKED_ORIGINS = 64;
/** Every this many requests all counts are halved, so a name no longer used loses its place in time. */
const HALVE_EVERY = 10_000;

/**
 * Counts requests per origin and ranks the few most used. A Host header costs nothing to forge, so being first earns
 * nothing: the site's own name, asked for far more often, overtakes a forged one within a few requests. Overtaking
 * takes twice the requests of the one ahead, so two names used alike do not swap places (and caches) all the time.
 */
export class OriginRanking {
  readonly #hits = new Map<string, number>();
  readonly #cached: number;
  readonly #top: string[] = [];
  #notes = 0;

  constructor(cached = MAX_CACHED_ORIGINS) {
    this.#cached = cached;
  }

  /** Counts one request from `origin`; its rank afterwards (0: the most used), or undefined past the cached few. */
  note(origin: string): number | undefined {
    const hits = (this.#hits.get(origin) ?? 0) + 1;
    this.#hits.set(origin, hits);
    this.#notes += 1;
    if (this.#notes % HALVE_EVERY === 0) for (const [key, n] of this.#hits) this.#hits.set(key, Math.ceil(n / 2));
    let at = this.#top.indexOf(origin);
    if (at === -1 && this.#top.length < this.#cached) at = this.#top.push(origin) - 1;
    else if (at === -1 && this.#overtakes(hits, this.#top.length - 1)) {
      at = this.#top.length - 1;
      this.#top[at] = origin;
    }
    while (at > 0 && this.#overtakes(hits, at - 1)) {
      this.#top[at] = this.#top[at - 1] as string;
      at -= 1;
      this.#top[at] = origin;
    }
    if (this.#hits.size > TRACKED_ORIGINS) this.#forgetOne();
    return at === -1 ? undefined : at;
  }

  /** Whether `origin` is among the cached few now. */
  has(origin: string): boolean {
    return this.#top.includes(origin);
  }

  #overtakes(hits: number, at: number): boolean {
    const ahead = this.#top[at];
    return ahead !== undefined && hits > 2 * (this.#hits.get(ahead) ?? 0);
  }

  #forgetOne(): void {
    let least: string | undefined;
    for (const [origin, hits] of this.#hits)
      if (!this.#top.includes(origin) && (least === undefined || hits < (this.#hits.get(least) ?? 0))) least = origin;
    if (least !== undefined) this.#hits.delete(least);
  }
}
