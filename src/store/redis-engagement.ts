// The Redis side of engagement aggregates: a hash per post and day (`eng:<slug>:<day>`) and a set of each post's days.
import { assertReady, type RedisClient } from '../redis/connection.js';
import {
  type EngagementDay,
  isSourceField,
  OTHER_SOURCE,
  raisedFields,
  SOURCE_CAP,
  sortDays,
} from './engagement-fields.js';

/** Hash field holding how many sources the day keeps (not exported: it is derived from the `sv:` fields). */
const KEPT = '#src';

/**
 * cappedField (engagement.ts) inside Redis, so instances sharing the hash agree: a Lua function adding `n` to field
 * `f` of the day's hash `key`, for any script that adds engagement (this one's, and a claimed read's source).
 */
export const ENGAGE_LUA = `
local function engage(key, f, n)
  local kind = string.sub(f, 1, 3)
  if kind == 'sv:' or kind == 'sr:' then
    local src = string.sub(f, 4)
    if src ~= '${OTHER_SOURCE}' and redis.call('HEXISTS', key, 'sv:' .. src) == 0 then
      if kind == 'sv:' and (tonumber(redis.call('HGET', key, '${KEPT}')) or 0) < ${SOURCE_CAP} then
        redis.call('HINCRBY', key, '${KEPT}', 1)
      else
        f = kind .. '${OTHER_SOURCE}'
      end
    end
  end
  return redis.call('HINCRBY', key, f, n)
end
`;

/** KEYS: the day's hash. ARGV: field, count. */
const SOURCE_SCRIPT = `${ENGAGE_LUA}
return engage(KEYS[1], ARGV[1], ARGV[2])
`;

/** raisedFields for one day, atomically. KEYS: the day's hash, the post's day set. ARGV: day, then field, count pairs. */
const MERGE_SCRIPT = `
local changed = 0
for i = 2, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if tonumber(ARGV[i + 1]) > (tonumber(current) or 0) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    if current == false and string.sub(ARGV[i], 1, 3) == 'sv:' and ARGV[i] ~= 'sv:${OTHER_SOURCE}' then
      redis.call('HINCRBY', KEYS[1], '${KEPT}', 1)
    end
    changed = changed + 1
  end
end
if changed > 0 then redis.call('SADD', KEYS[2], ARGV[1]) end
return changed
`;

type Multi = ReturnType<RedisClient['multi']>;

export class RedisEngagement {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  private dayKey(slug: string, day: string): string {
    return `${this.prefix}eng:${slug}:${day}`;
  }

  private daysKey(slug: string): string {
    return `${this.prefix}engdays:${slug}`;
  }

  /** Queues one merged increment on the batch's MULTI; returns how many commands (replies) that added. */
  add(multi: Multi, slug: string, day: string, field: string, count: number): number {
    const key = this.dayKey(slug, day);
    multi.sAdd(this.daysKey(slug), day);
    if (isSourceField(field)) multi.eval(SOURCE_SCRIPT, { keys: [key], arguments: [field, String(count)] });
    else multi.hIncrBy(key, field, count);
    return 2;
  }

  async days(slug: string, fromDay: string, toDay: string): Promise<EngagementDay[]> {
    const all = await this.client.sMembers(this.daysKey(slug));
    const wanted = all.filter((day) => day >= fromDay && day <= toDay).sort();
    if (wanted.length === 0) return [];
    const multi = this.client.multi();
    for (const day of wanted) multi.hGetAll(this.dayKey(slug, day));
    assertReady(this.client, 'engagement');
    const hashes = (await multi.exec()) as unknown as Record<string, string>[];
    return sortDays(
      wanted
        .map((day, index) => ({ day, fields: toFields(hashes[index] ?? {}) }))
        .filter(({ fields }) => Object.keys(fields).length > 0),
    );
  }

  /** Queues, on `multi`, the commands that make a post's engagement exactly `days` (old days read beforehand). */
  async replace(multi: Multi, slug: string, days: readonly EngagementDay[]): Promise<void> {
    for (const day of await this.client.sMembers(this.daysKey(slug))) multi.del(this.dayKey(slug, day));
    multi.del(this.daysKey(slug));
    for (const { day, fields } of days) {
      const entries = Object.entries(fields);
      if (entries.length === 0) continue;
      const kept = entries.filter(([field]) => field.startsWith('sv:') && field !== `sv:${OTHER_SOURCE}`).length;
      multi.hSet(
        this.dayKey(slug, day),
        Object.fromEntries([...entries.map(([field, count]) => [field, String(count)]), [KEPT, String(kept)]]),
      );
      multi.sAdd(this.daysKey(slug), day);
    }
  }

  /** Raises each field to max(current, file), one script per day; returns how many days changed. */
  async merge(slug: string, days: readonly EngagementDay[]): Promise<number> {
    let changed = 0;
    for (const { day, fields } of days) {
      const pairs = Object.entries(raisedFields({}, fields)).flatMap(([field, count]) => [field, String(count)]);
      if (pairs.length === 0) continue;
      const reply = await this.client.eval(MERGE_SCRIPT, {
        keys: [this.dayKey(slug, day), this.daysKey(slug)],
        arguments: [day, ...pairs],
      });
      if (Number(reply) > 0) changed += 1;
    }
    return changed;
  }
}

function toFields(hash: Record<string, string>): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const [field, count] of Object.entries(hash))
    if (field !== KEPT && Number(count) > 0) fields[field] = Number(count);
  return fields;
}
