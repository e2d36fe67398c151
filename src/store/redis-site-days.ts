// Redis's site-wide days (`siteday:<day>`): added to in the commit that adds each post's own counters, built once from them.
import { assertReady, type RedisClient } from '../redis/connection.js';
import {
  type SitePeriod,
  type SiteRange,
  siteEngagementFields,
  sitePeriodOf,
  siteRangeDays,
} from './site-aggregates.js';

/** A day's hash of the whole site (fields: SiteDayFields) is this plus the day, under the prefix. */
export const SITE_DAY = 'siteday:';

/**
 * Lua functions for every script that adds to a post's reads or engagement, so the site's day gets the same numbers
 * in the same atomic step: `site_reads(key, slug, n)`, `site_engage(key, slug, field as stored, n)`. A field taken
 * down to 0 (a replace) is deleted.
 */
export const SITE_LUA = `
local function site_add(key, f, n)
  if redis.call('HINCRBY', key, f, n) <= 0 and n < 0 then redis.call('HDEL', key, f) end
end
local function site_reads(key, slug, n)
  site_add(key, 'r', n)
  site_add(key, 'r:' .. slug, n)
end
local function site_engage(key, slug, f, n)
  local kind = string.sub(f, 1, 3)
  if f == 'v' then
    site_add(key, 'v', n)
    site_add(key, 'v:' .. slug, n)
  elseif kind == 'sv:' or kind == 'sr:' then
    site_add(key, f, n)
  end
end
`;

/**
 * Takes one post's stored days out of the site's days, then `mode` `clear` deletes them (a replace writes the new ones
 * next, in the same MULTI) and `build` adds them back in, once: it does nothing once the site's days are built, or
 * for a post it already added. ARGV: prefix, slug, mode.
 */
const POST_DAYS = `${SITE_LUA}
local p, slug, mode = ARGV[1], ARGV[2], ARGV[3]
local built = p .. '${SITE_DAY}built-posts'
if mode == 'build' then
  if redis.call('EXISTS', p .. '${SITE_DAY}built') == 1 or redis.call('SISMEMBER', built, slug) == 1 then return 0 end
  redis.call('SADD', built, slug)
end
local sign = mode == 'build' and 1 or -1
local daily = p .. 'daily:' .. slug
local days = redis.call('HGETALL', daily)
for i = 1, #days, 2 do site_reads(p .. '${SITE_DAY}' .. days[i], slug, sign * tonumber(days[i + 1])) end
local engdays = p .. 'engdays:' .. slug
for _, day in ipairs(redis.call('SMEMBERS', engdays)) do
  local key = p .. 'eng:' .. slug .. ':' .. day
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do site_engage(p .. '${SITE_DAY}' .. day, slug, fields[i], sign * tonumber(fields[i + 1])) end
  if mode == 'clear' then redis.call('DEL', key) end
end
if mode == 'clear' then redis.call('DEL', daily, engdays) end
return 1
`;

type Multi = ReturnType<RedisClient['multi']>;

export const siteDayKey = (prefix: string, day: string): string => `${prefix}${SITE_DAY}${day}`;

/** Queues, on `multi`, what `count` reads of a post add to its site day. */
export function queueSiteReads(multi: Multi, prefix: string, slug: string, day: string, count: number): void {
  multi.hIncrBy(siteDayKey(prefix, day), 'r', count);
  multi.hIncrBy(siteDayKey(prefix, day), `r:${slug}`, count);
}

/** Queues what a post's engagement field, as stored, adds to its site day; returns how many commands that queued. */
export function queueSiteEngagement(
  multi: Multi,
  prefix: string,
  slug: string,
  day: string,
  field: string,
  count: number,
): number {
  const fields = siteEngagementFields(slug, field);
  for (const name of fields) multi.hIncrBy(siteDayKey(prefix, day), name, count);
  return fields.length;
}

/** Queues, on `multi`, deleting a post's days and taking them out of the site's (a replace writes the new ones next). */
export function queueClearPost(multi: Multi, prefix: string, slug: string): void {
  multi.eval(POST_DAYS, { keys: [], arguments: [prefix, slug, 'clear'] });
}

/** The dashboard's figures from the site's days of `range`: one pipelined read per day, whatever the number of posts. */
export async function readSitePeriod(client: RedisClient, prefix: string, range: SiteRange): Promise<SitePeriod> {
  const days = siteRangeDays(range);
  const multi = client.multi();
  for (const day of days) {
    if (day < range.from) multi.hmGet(siteDayKey(prefix, day), ['r', 'v']);
    else multi.hGetAll(siteDayKey(prefix, day));
  }
  assertReady(client, 'site days');
  const replies = (await multi.execAsPipeline()) as unknown[];
  const byDay = new Map<string, Record<string, number>>();
  days.forEach((day, index) => {
    const reply = replies[index];
    const raw = (Array.isArray(reply) ? { r: reply[0], v: reply[1] } : reply) as Record<string, unknown> | null;
    const fields: Record<string, number> = {};
    for (const [field, value] of Object.entries(raw ?? {})) if (value !== null) fields[field] = Number(value);
    byDay.set(day, fields);
  });
  return sitePeriodOf(range, (day) => byDay.get(day));
}

/** Posts whose days one pipelined round trip adds up when building. */
const BUILD_BATCH = 100;

/**
 * Adds every counted post's days into the site's days, once per Redis (`siteday:built` says so): a Redis written by
 * an earlier readcount, which kept no site days. Each post is one script, so a post's days are added whole and never
 * twice, even by instances starting together; none adds once one has finished. `timed` bounds each round trip (not
 * the whole build, which grows with the posts). Resolves with the posts added.
 */
export async function buildSiteDays(
  client: RedisClient,
  prefix: string,
  timed: <T>(reply: Promise<T>) => Promise<T> = (reply) => reply,
): Promise<number> {
  const done = `${prefix}${SITE_DAY}built`;
  if ((await timed(client.exists(done))) === 1) return 0;
  const slugs = await timed(client.hKeys(`${prefix}totals`));
  let added = 0;
  for (let at = 0; at < slugs.length; at += BUILD_BATCH) {
    const multi = client.multi();
    for (const slug of slugs.slice(at, at + BUILD_BATCH))
      multi.eval(POST_DAYS, { keys: [], arguments: [prefix, slug, 'build'] });
    assertReady(client, 'building site days');
    for (const reply of (await timed(multi.execAsPipeline())) as unknown[]) added += Number(reply);
  }
  await timed(client.multi().set(done, String(Date.now())).del(`${prefix}${SITE_DAY}built-posts`).exec());
  return added;
}
