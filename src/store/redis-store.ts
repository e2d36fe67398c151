// CounterStore on Redis: totals in one hash, per-day counts in a hash per post, one MULTI per batch, applied exactly once.

import { randomUUID } from 'node:crypto';
import { assertReady, closeRedis, type RedisClient, withTimeout } from '../redis/connection.js';
import { checkEngagement, type EngagementDay, type EngagementIncrement, mergeEngagement } from './engagement-fields.js';
import { queueClaimed, readClaimed } from './redis-claimed-apply.js';
import { RedisEngagement } from './redis-engagement.js';
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
  mergeIncrements,
  type PostCounts,
  withEngagement,
} from './store.js';

/** How long a batch marker lives: far longer than any outage a bounded buffer can ride out. */
const BATCH_MARKER_SECONDS = 7 * 86_400;

/**
 * mergePost (store.ts) for one post, run inside Redis so reads another instance commits meanwhile cannot
 * be overwritten. KEYS: totals hash, the post's daily hash. ARGV: slug, the file's total, then day, count pairs.
 * Returns {existed, totalBefore, totalAfter, daysChanged}.
 */
const MERGE_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local before = tonumber(raw) or 0
local grown, changed = 0, 0
for i = 3, #ARGV, 2 do
  local count = tonumber(ARGV[i + 1])
  local current = tonumber(redis.call('HGET', KEYS[2], ARGV[i])) or 0
  if count > current then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    grown = grown + count - current
    changed = changed + 1
  end
end
local after = math.max(before + grown, tonumber(ARGV[2]))
if raw == false or after ~= before then redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f', after)) end
return {raw == false and 0 or 1, before, after, changed}
`;

export interface RedisStoreOptions {
  readonly prefix: string;
  /** Close the connection with the store (true when the store opened it, as `migrate` does). */
  readonly ownsClient?: boolean;
  /** Each command fails after this long without a reply (see withTimeout); unset: no limit (CLI tools). */
  readonly commandTimeoutMs?: number;
}

/**
 * Exactly once across lost replies: every batch's MULTI also sets a marker key `batch:<uuid>`. MULTI is atomic, so
 * the marker exists if and only if the batch was applied. When `apply` fails we cannot know whether Redis ran it (the
 * reply may be what was lost); ReadCounter puts the very same objects back in its queue, and before the next batch is
 * sent we ask Redis whether the marker exists. If it does, those objects are known to be in Redis and are sent as
 * nothing. A claimed read needs none of this (its first claim's owner recognises it), but costs nothing either.
 */
export class RedisStore implements CounterStore {
  readonly kind = 'redis';
  private readonly totalsKey: string;
  private inDoubt: { id: string; sent: readonly (Increment | EngagementIncrement)[] } | undefined;
  /** Increments known to be in Redis although ReadCounter still holds them (their batch's reply was lost). */
  private readonly landed = new WeakSet<Increment | EngagementIncrement>();
  private readonly engaged: RedisEngagement;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisStoreOptions,
  ) {
    this.totalsKey = `${options.prefix}totals`;
    this.engaged = new RedisEngagement(client, options.prefix);
  }

  private dailyKey(slug: string): string {
    return `${this.options.prefix}daily:${slug}`;
  }

  private batchKey(id: string): string {
    return `${this.options.prefix}batch:${id}`;
  }

  private timed<T>(promise: Promise<T>, what: string): Promise<T> {
    const ms = this.options.commandTimeoutMs;
    return ms === undefined ? promise : withTimeout(promise, ms, what);
  }

  async ensureCounters(slugs: Iterable<string>): Promise<void> {
    const multi = this.client.multi();
    let any = false;
    for (const slug of slugs) {
      multi.hSetNX(this.totalsKey, slug, '0');
      any = true;
    }
    if (!any) return;
    assertReady(this.client, 'ensureCounters');
    await this.timed(multi.exec(), 'ensureCounters');
  }

  async apply(increments: readonly Increment[], engagement: readonly EngagementIncrement[] = []): Promise<Applied> {
    checkIncrements(increments);
    checkEngagement(engagement);
    const claimedAt: number[] = [];
    const claimed: Increment[] = [];
    const plain: Increment[] = [];
    increments.forEach((increment, index) => {
      if (increment.claims) {
        claimedAt.push(index);
        claimed.push(increment);
      } else plain.push(increment);
    });
    // A plain read always counts, so its own engagement is the batch's; a claimed read's rides in the claims script.
    const engaged = engagement.concat(plain.flatMap((increment) => increment.engagement ?? []));
    if (plain.length === 0 && claimed.length === 0 && engaged.length === 0) return new Map();
    await this.settleDoubt();
    // A landed plain read is still sent (by 0): its total comes back, which ReadCounter announces.
    const merged = mergeIncrements(plain.map((read) => (this.landed.has(read) ? { ...read, count: 0 } : read)));
    const engagementSent = engaged.filter((item) => !this.landed.has(item));
    const id = randomUUID();
    // Engagement first, then the reads (plain commands or the claims script): one MULTI, one atomic step.
    const multi = this.client.multi();
    let engagementReplies = 0;
    for (const { slug, day, field, count } of mergeEngagement(engagementSent))
      engagementReplies += this.engaged.add(multi, slug, day, field, count);
    let readTotals: (replies: unknown[]) => { totals: Map<string, number>; refused: [number, ClaimKind][] };
    if (claimed.length === 0) readTotals = this.queuePlain(multi, id, merged);
    else {
      const args = { prefix: this.options.prefix, batchId: id, markerSeconds: BATCH_MARKER_SECONDS };
      queueClaimed(multi, args, merged, claimed);
      readTotals = (replies) => readClaimed(replies[0], claimed);
    }
    // Refused while offline, nothing was sent: the batch is certainly not applied, so it is not in doubt. Without
    // this, node-redis would hold the command and run it on reconnect, possibly after its reads were dropped.
    assertReady(this.client, 'apply');
    let replies: unknown[];
    try {
      // A timeout lands here too: Redis may still run the batch later, which the marker (and claim owners) account for.
      replies = (await this.timed(multi.exec(), 'apply')) as unknown[];
    } catch (error) {
      this.inDoubt = { id, sent: [...plain, ...engagementSent] };
      throw error;
    }
    const result = readTotals(replies.slice(engagementReplies));
    return applied(
      result.totals,
      result.refused.map(([index, kind]) => [claimedAt[index] ?? -1, kind]),
    );
  }

  /** Reads without claims: the batch marker and plain increments; returns how to read their replies. */
  private queuePlain(
    multi: ReturnType<RedisClient['multi']>,
    id: string,
    rests: readonly Increment[],
  ): (replies: unknown[]) => { totals: Map<string, number>; refused: [number, ClaimKind][] } {
    const perSlug = new Map<string, number>();
    multi.set(this.batchKey(id), '1', { EX: BATCH_MARKER_SECONDS });
    for (const { slug, day, count } of rests) {
      if (count > 0) multi.hIncrBy(this.dailyKey(slug), day, count);
      perSlug.set(slug, (perSlug.get(slug) ?? 0) + count);
    }
    const slugs = [...perSlug.keys()];
    for (const slug of slugs) multi.hIncrBy(this.totalsKey, slug, perSlug.get(slug) ?? 0);
    return (replies) => {
      const totals = new Map<string, number>();
      const firstTotal = replies.length - slugs.length;
      slugs.forEach((slug, index) => totals.set(slug, Number(replies[firstTotal + index])));
      return { totals, refused: [] };
    };
  }

  /** Resolves a batch whose reply was lost; throws (changing nothing) while Redis cannot answer. */
  private async settleDoubt(): Promise<void> {
    if (!this.inDoubt) return;
    const { id, sent } = this.inDoubt;
    // Same connection as the MULTI, so Redis answers this only after it ran (or never got) that MULTI.
    const applied = (await this.timed(this.client.exists(this.batchKey(id)), 'batch check')) === 1;
    if (applied) for (const item of sent) this.landed.add(item);
    this.inDoubt = undefined;
  }

  async claimExpiry(key: string): Promise<number | undefined> {
    const value = await this.timed(this.client.hGet(`${this.options.prefix}once:${key}`, 'expires'), 'claim');
    const at = Number(value);
    return value !== null && value !== undefined && Number.isSafeInteger(at) && at > Date.now() ? at : undefined;
  }

  async total(slug: string): Promise<number | undefined> {
    const value = await this.timed(this.client.hGet(this.totalsKey, slug), 'total');
    return value === null || value === undefined ? undefined : Number(value);
  }

  async totals(): Promise<Map<string, number>> {
    const all = (await this.timed(this.client.hGetAll(this.totalsKey), 'totals')) as Record<string, string>;
    return new Map(Object.entries(all).map(([slug, total]) => [slug, Number(total)]));
  }

  async daily(slug: string, fromDay: string, toDay: string): Promise<DailyCount[]> {
    const all = (await this.timed(this.client.hGetAll(this.dailyKey(slug)), 'daily')) as Record<string, string>;
    return toDays(all).filter(({ day }) => day >= fromDay && day <= toDay);
  }

  async engagement(slug: string, fromDay: string, toDay: string): Promise<EngagementDay[]> {
    return this.timed(this.engaged.days(slug, fromDay, toDay), 'engagement');
  }

  // Redis keeps days per post, so the sums are a scan of every counted post in pipelined batches.
  async siteDaily(fromDay: string, toDay: string): Promise<SiteDay[]> {
    return (await this.scan(fromDay, toDay)).days;
  }

  async periodTotals(fromDay: string, toDay: string): Promise<PeriodTotal[]> {
    return (await this.scan(fromDay, toDay)).totals;
  }

  async siteSources(fromDay: string, toDay: string, limit: number): Promise<SourceTotal[]> {
    return (await this.scan(fromDay, toDay)).sources.slice(0, limit);
  }

  private async scan(fromDay: string, toDay: string) {
    return scanAggregates(this, [...(await this.totals()).keys()], fromDay, toDay);
  }

  async exportAll(): Promise<PostCounts[]> {
    const totals = await this.totals();
    const slugs = [...totals.keys()].sort();
    if (slugs.length === 0) return [];
    const multi = this.client.multi();
    for (const slug of slugs) multi.hGetAll(this.dailyKey(slug));
    assertReady(this.client, 'export');
    const days = (await this.timed(multi.exec(), 'export')) as unknown as Record<string, string>[];
    const engaged = await Promise.all(slugs.map((slug) => this.engagement(slug, '0000-00-00', '9999-99-99')));
    return slugs.map((slug, index) => ({
      slug,
      total: totals.get(slug) ?? 0,
      daily: toDays(days[index] ?? {}),
      ...((engaged[index]?.length ?? 0) > 0 ? { engagement: engaged[index] } : {}),
    }));
  }

  async replace(counts: readonly PostCounts[]): Promise<void> {
    if (counts.length === 0) return;
    const multi = this.client.multi();
    for (const { slug, total, daily, engagement } of counts) {
      await this.engaged.replace(multi, slug, engagement ?? []);
      multi.hSet(this.totalsKey, slug, String(total));
      multi.del(this.dailyKey(slug));
      if (daily.length > 0)
        multi.hSet(this.dailyKey(slug), Object.fromEntries(daily.map(({ day, count }) => [day, String(count)])));
    }
    await multi.exec();
  }

  /** One script per post: each post's merge is atomic; a large import does not block Redis for its whole length. */
  async merge(counts: readonly PostCounts[]): Promise<MergeChange[]> {
    const changes: MergeChange[] = [];
    for (const file of counts) {
      const { slug, total, daily } = file;
      const engagementDays = await this.timed(this.engaged.merge(slug, file.engagement ?? []), 'merge');
      const args = [slug, String(total), ...daily.flatMap(({ day, count }) => [day, String(count)])];
      const reply = (await this.timed(
        this.client.eval(MERGE_SCRIPT, { keys: [this.totalsKey, this.dailyKey(slug)], arguments: args }),
        'merge',
      )) as number[];
      const [existed, totalBefore, totalAfter, daysChanged] = reply.map(Number) as [number, number, number, number];
      const unchanged = existed === 1 && totalAfter === totalBefore && daysChanged === 0;
      const change = withEngagement(
        unchanged ? undefined : { slug, totalBefore, totalAfter, daysChanged },
        slug,
        totalAfter,
        engagementDays,
      );
      if (change) changes.push(change);
    }
    return changes;
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await closeRedis(this.client);
  }
}

function toDays(hash: Record<string, string>): DailyCount[] {
  return Object.entries(hash)
    .map(([day, count]) => ({ day, count: Number(count) }))
    .sort((a, b) => a.day.localeCompare(b.day));
}
