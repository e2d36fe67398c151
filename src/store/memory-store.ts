// CounterStore held in memory: for tests and as the reference the shared suite checks others against.
import {
  type CounterStore,
  checkIncrements,
  type DailyCount,
  type Increment,
  type MergeChange,
  mergePost,
  type PostCounts,
} from './store.js';

export class MemoryStore implements CounterStore {
  readonly kind = 'memory';
  private readonly counters = new Map<string, number>();
  private readonly days = new Map<string, Map<string, number>>();

  async ensureCounters(slugs: Iterable<string>): Promise<void> {
    for (const slug of slugs) if (!this.counters.has(slug)) this.counters.set(slug, 0);
  }

  async apply(increments: readonly Increment[]): Promise<Map<string, number>> {
    checkIncrements(increments);
    const touched = new Map<string, number>();
    for (const { slug, day, count } of increments) {
      const total = (this.counters.get(slug) ?? 0) + count;
      this.counters.set(slug, total);
      touched.set(slug, total);
      const perDay = this.days.get(slug) ?? new Map<string, number>();
      perDay.set(day, (perDay.get(day) ?? 0) + count);
      this.days.set(slug, perDay);
    }
    return touched;
  }

  async total(slug: string): Promise<number | undefined> {
    return this.counters.get(slug);
  }

  async totals(): Promise<Map<string, number>> {
    return new Map(this.counters);
  }

  async daily(slug: string, fromDay: string, toDay: string): Promise<DailyCount[]> {
    return [...(this.days.get(slug) ?? new Map<string, number>())]
      .filter(([day]) => day >= fromDay && day <= toDay)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, count]) => ({ day, count }));
  }

  async exportAll(): Promise<PostCounts[]> {
    return [...this.counters.keys()].sort().map((slug) => ({
      slug,
      total: this.counters.get(slug) ?? 0,
      daily: [...(this.days.get(slug) ?? new Map<string, number>())]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, count]) => ({ day, count })),
    }));
  }

  async replace(counts: readonly PostCounts[]): Promise<void> {
    for (const { slug, total, daily } of counts) {
      this.counters.set(slug, total);
      this.days.set(slug, new Map(daily.map(({ day, count }) => [day, count])));
    }
  }

  async merge(counts: readonly PostCounts[]): Promise<MergeChange[]> {
    const changes: MergeChange[] = [];
    for (const file of counts) {
      const perDay = this.days.get(file.slug) ?? new Map<string, number>();
      const merged = mergePost(this.counters.get(file.slug), perDay, file);
      if (!merged) continue;
      for (const { day, count } of merged.raised) perDay.set(day, count);
      this.days.set(file.slug, perDay);
      this.counters.set(file.slug, merged.change.totalAfter);
      changes.push(merged.change);
    }
    return changes;
  }

  async close(): Promise<void> {}
}
