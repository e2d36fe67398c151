// CounterStore held in memory: for tests and as the reference the shared suite checks others against.
import { type ClaimRow, judgeClaims, takenRow } from './claim-rules.js';
import {
  cappedField,
  checkEngagement,
  type EngagementDay,
  type EngagementIncrement,
  isSourceField,
  mergeEngagement,
  raisedFields,
  sortDays,
} from './engagement-fields.js';
import { type PeriodTotal, type SiteDay, type SourceTotal, scanAggregates } from './site-aggregates.js';
import {
  type Applied,
  applied,
  type ClaimKind,
  type CounterStore,
  checkIncrements,
  type DailyCount,
  type Increment,
  type MergeChange,
  mergePost,
  type PostCounts,
  withEngagement,
} from './store.js';

type Fields = Record<string, number>;

export class MemoryStore implements CounterStore {
  readonly kind = 'memory';
  private readonly counters = new Map<string, number>();
  private readonly days = new Map<string, Map<string, number>>();
  private readonly engaged = new Map<string, Map<string, Fields>>();
  private readonly claims = new Map<string, ClaimRow>();
  private lastPrune = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async ensureCounters(slugs: Iterable<string>): Promise<void> {
    for (const slug of slugs) if (!this.counters.has(slug)) this.counters.set(slug, 0);
  }

  async apply(increments: readonly Increment[], engagement: readonly EngagementIncrement[] = []): Promise<Applied> {
    checkIncrements(increments);
    checkEngagement(engagement);
    const touched = new Map<string, number>();
    const refused: [number, ClaimKind][] = [];
    const now = this.now();
    const engaged = [...engagement];
    for (const [index, { slug, day, count, id, claims, needs, engagement: own }] of increments.entries()) {
      if (claims) {
        const verdict = judgeClaims({ claims, id, needs }, now, (key) => this.claims.get(key));
        if (verdict === 'done') {
          if (count > 0) touched.set(slug, this.counters.get(slug) ?? 0);
          continue;
        }
        if (verdict !== 'new') {
          refused.push([index, verdict.refusedBy]);
          continue;
        }
        for (const claim of claims)
          this.claims.set(claim.key, takenRow(claim, id ?? '', now, this.claims.get(claim.key)));
      }
      if (own) engaged.push(...own);
      if (count === 0) continue;
      const total = (this.counters.get(slug) ?? 0) + count;
      this.counters.set(slug, total);
      touched.set(slug, total);
      const perDay = this.days.get(slug) ?? new Map<string, number>();
      perDay.set(day, (perDay.get(day) ?? 0) + count);
      this.days.set(slug, perDay);
    }
    for (const { slug, day, field, count } of mergeEngagement(engaged)) {
      const fields = this.fieldsOf(slug, day);
      const kept = Object.keys(fields).filter((name) => name.startsWith('sv:') && name !== 'sv:other').length;
      const target = isSourceField(field) ? cappedField(field, (source) => `sv:${source}` in fields, kept) : field;
      fields[target] = (fields[target] ?? 0) + count;
    }
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      for (const [key, row] of this.claims) if (row.expiresAt <= now) this.claims.delete(key);
    }
    return applied(touched, refused);
  }

  async claimExpiry(key: string): Promise<number | undefined> {
    const held = this.claims.get(key);
    return held && held.expiresAt > this.now() ? held.expiresAt : undefined;
  }

  /** Claims held now, expired ones not yet pruned included (tests check that they are). */
  claimsHeld(): number {
    return this.claims.size;
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

  async engagement(slug: string, fromDay: string, toDay: string): Promise<EngagementDay[]> {
    return this.engagementOf(slug).filter(({ day }) => day >= fromDay && day <= toDay);
  }

  async siteDaily(fromDay: string, toDay: string): Promise<SiteDay[]> {
    return (await this.#scan(fromDay, toDay)).days;
  }

  async periodTotals(fromDay: string, toDay: string): Promise<PeriodTotal[]> {
    return (await this.#scan(fromDay, toDay)).totals;
  }

  async siteSources(fromDay: string, toDay: string, limit: number): Promise<SourceTotal[]> {
    return (await this.#scan(fromDay, toDay)).sources.slice(0, limit);
  }

  #scan(fromDay: string, toDay: string) {
    return scanAggregates(this, [...new Set([...this.counters.keys(), ...this.engaged.keys()])], fromDay, toDay);
  }

  async exportAll(): Promise<PostCounts[]> {
    return [...this.counters.keys()].sort().map((slug) => {
      const engagement = this.engagementOf(slug);
      return {
        slug,
        total: this.counters.get(slug) ?? 0,
        daily: [...(this.days.get(slug) ?? new Map<string, number>())]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([day, count]) => ({ day, count })),
        ...(engagement.length > 0 ? { engagement } : {}),
      };
    });
  }

  async replace(counts: readonly PostCounts[]): Promise<void> {
    for (const { slug, total, daily, engagement } of counts) {
      this.counters.set(slug, total);
      this.days.set(slug, new Map(daily.map(({ day, count }) => [day, count])));
      this.engaged.set(slug, new Map((engagement ?? []).map(({ day, fields }) => [day, { ...fields }])));
    }
  }

  async merge(counts: readonly PostCounts[]): Promise<MergeChange[]> {
    const changes: MergeChange[] = [];
    for (const file of counts) {
      let engagementDays = 0;
      for (const { day, fields } of file.engagement ?? []) {
        const current = this.fieldsOf(file.slug, day);
        const raised = raisedFields(current, fields);
        Object.assign(current, raised);
        if (Object.keys(raised).length > 0) engagementDays += 1;
      }
      const perDay = this.days.get(file.slug) ?? new Map<string, number>();
      const merged = mergePost(this.counters.get(file.slug), perDay, file);
      if (merged) {
        for (const { day, count } of merged.raised) perDay.set(day, count);
        this.days.set(file.slug, perDay);
        this.counters.set(file.slug, merged.change.totalAfter);
      }
      const change = withEngagement(merged?.change, file.slug, this.counters.get(file.slug) ?? 0, engagementDays);
      if (change) changes.push(change);
    }
    return changes;
  }

  async close(): Promise<void> {}

  private fieldsOf(slug: string, day: string): Fields {
    const days = this.engaged.get(slug) ?? new Map<string, Fields>();
    this.engaged.set(slug, days);
    const fields = days.get(day) ?? {};
    days.set(day, fields);
    return fields;
  }

  private engagementOf(slug: string): EngagementDay[] {
    return sortDays(
      [...(this.engaged.get(slug) ?? [])]
        .filter(([, fields]) => Object.keys(fields).length > 0)
        .map(([day, fields]) => ({ day, fields: { ...fields } })),
    );
  }
}
