// One Lua script per batch holding claimed entries (reads, views, reports): each one's claims and increments are one step.
import type { RedisClient } from '../redis/connection.js';
import { ENGAGE_LUA } from './redis-engagement.js';
import type { ClaimKind, Increment } from './store.js';

/**
 * ARGV: prefix, batch id, marker seconds, the number of plain increments, then per plain increment slug, day, count;
 * then per claimed entry slug, day, id, reads (1, or 0 for a view or a report), the key of the claim it needs held
 * ('' for none), claim count, engagement count, per claim key, expiresAt (epoch ms), limit, and per engagement
 * increment (added only if the entry counts) slug, day, field, count. A claim is a hash {count, owner, expires}
 * expiring with PEXPIREAT. An entry whose first claim its own id owns already landed (lost reply): it counts nothing
 * and is reported counted. Returns {slug, total, ...} and {claimed entry number (from 1), refusing claim number, ...}
 * (from 1; 0 for the needed claim), so the caller names the refusing kind.
 */
const SCRIPT = `${ENGAGE_LUA}
local p = ARGV[1]
redis.call('SET', p .. 'batch:' .. ARGV[2], '1', 'EX', ARGV[3])
local added, order = {}, {}
local function touch(slug, n)
  if added[slug] == nil then added[slug] = 0; order[#order + 1] = slug end
  added[slug] = added[slug] + n
end
local function add(slug, day, n)
  if n > 0 then redis.call('HINCRBY', p .. 'daily:' .. slug, day, n) end
  touch(slug, n)
end
local i = 5
for _ = 1, tonumber(ARGV[4]) do add(ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])); i = i + 3 end
local refused, read = {}, 0
while i <= #ARGV do
  local slug, day, id, reads, needs = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4]
  local n, e = tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6])
  i = i + 7
  read = read + 1
  local verdict = 'new'
  if needs ~= '' and redis.call('EXISTS', p .. 'once:' .. needs) == 0 then verdict = 0 end
  for c = 0, n - 1 do
    if verdict ~= 'new' then break end
    local held = redis.call('HMGET', p .. 'once:' .. ARGV[i + c * 3], 'count', 'owner')
    if held[1] then
      if c == 0 and held[2] == id then verdict = 'done'; break end
      if tonumber(held[1]) >= tonumber(ARGV[i + c * 3 + 2]) then verdict = c + 1; break end
    end
  end
  if verdict == 'new' then
    for c = 0, n - 1 do
      local key = p .. 'once:' .. ARGV[i + c * 3]
      if redis.call('HINCRBY', key, 'count', 1) == 1 then
        redis.call('HSET', key, 'owner', id, 'expires', ARGV[i + c * 3 + 1])
        redis.call('PEXPIREAT', key, ARGV[i + c * 3 + 1])
      end
    end
    if reads > 0 then add(slug, day, reads) end
    for x = i + n * 3, i + n * 3 + (e - 1) * 4, 4 do
      redis.call('SADD', p .. 'engdays:' .. ARGV[x], ARGV[x + 1])
      engage(p .. 'eng:' .. ARGV[x] .. ':' .. ARGV[x + 1], ARGV[x + 2], tonumber(ARGV[x + 3]))
    end
  elseif verdict == 'done' then
    if reads > 0 then touch(slug, 0) end
  else
    refused[#refused + 1] = read
    refused[#refused + 1] = verdict
  end
  i = i + n * 3 + e * 4
end
local totals = {}
for _, slug in ipairs(order) do
  totals[#totals + 1] = slug
  totals[#totals + 1] = redis.call('HINCRBY', p .. 'totals', slug, added[slug])
end
return {totals, refused}
`;

type Multi = ReturnType<RedisClient['multi']>;

/** Queues the script on `multi` (after the batch's engagement commands, so both are one atomic step). */
export function queueClaimed(
  multi: Multi,
  args: { prefix: string; batchId: string; markerSeconds: number },
  plain: readonly Increment[],
  claimed: readonly Increment[],
): void {
  const argv = [args.prefix, args.batchId, String(args.markerSeconds), String(plain.length)];
  for (const { slug, day, count } of plain) argv.push(slug, day, String(count));
  for (const { slug, day, id, count, needs, claims = [], engagement = [] } of claimed) {
    argv.push(slug, day, id ?? '', String(count), needs?.key ?? '', String(claims.length), String(engagement.length));
    for (const claim of claims) argv.push(claim.key, String(claim.expiresAt), String(claim.limit ?? 1));
    for (const item of engagement) argv.push(item.slug, item.day, item.field, String(item.count));
  }
  multi.eval(SCRIPT, { keys: [], arguments: argv });
}

/** The script's reply: the totals and the refused entries as indexes into `claimed`, with the refusing claim's kind. */
export function readClaimed(
  reply: unknown,
  claimed: readonly Increment[],
): { totals: Map<string, number>; refused: [number, ClaimKind][] } {
  const [totals, refused] = reply as [unknown[], unknown[]];
  const map = new Map<string, number>();
  for (let i = 0; i < totals.length; i += 2) map.set(String(totals[i]), Number(totals[i + 1]));
  const out: [number, ClaimKind][] = [];
  for (let i = 0; i < refused.length; i += 2) {
    const read = Number(refused[i]) - 1;
    const by = Number(refused[i + 1]);
    const kind = by === 0 ? claimed[read]?.needs?.kind : claimed[read]?.claims?.[by - 1]?.kind;
    if (kind) out.push([read, kind]);
  }
  return { totals: map, refused: out };
}
