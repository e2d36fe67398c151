// Views' claims an earlier readcount kept in Redis keys of their own, moved once at start into the claim hashes the commit reads.
import type { RedisClient } from '../redis/connection.js';

/**
 * KEYS: the old key, its claim hash, and for a view the old "counted" key. ARGV: what the old key is (`view`, `claim`,
 * `mark`), now (epoch ms). A view's old claim was taken even when the view was refused: only a counted one becomes a
 * view claim. A mark kept the first join's time; its claim expires when the mark did. Deletes the old key, so a
 * second run (another instance starting) finds nothing to move.
 */
const MOVE = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
if ttl <= 0 then return 0 end
if ARGV[1] == 'view' and redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
local expires = tonumber(ARGV[2]) + ttl
local count, owner = value, ''
if ARGV[1] ~= 'claim' then count = '1' end
if ARGV[1] == 'mark' then owner = value end
redis.call('HSET', KEYS[2], 'count', count, 'owner', owner, 'expires', string.format('%.0f', expires))
redis.call('PEXPIREAT', KEYS[2], string.format('%.0f', expires))
return 1
`;

/** A prefix as a SCAN pattern that matches only itself. */
const literal = (text: string): string => text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);

/**
 * Moves every old `view-claim:<key>` and `view-mark:<key>` to `once:<key>`; the old "counted" marks are left to expire.
 * Done once per Redis (the key `view-keys-moved` says so), so a start does not scan the keyspace each time. Resolves
 * with how many claims were moved.
 */
export async function moveOldViewKeys(client: RedisClient, prefix: string): Promise<number> {
  const done = `${prefix}view-keys-moved`;
  if ((await client.exists(done)) === 1) return 0;
  let moved = 0;
  for (const old of ['view-claim:', 'view-mark:']) {
    for await (const keys of client.scanIterator({ MATCH: `${literal(prefix + old)}*`, COUNT: 500 })) {
      for (const key of keys) {
        const name = key.slice(prefix.length + old.length);
        if (name.startsWith('pv-counted:')) continue;
        const isView = old === 'view-claim:' && name.startsWith('pv:');
        const kind = old === 'view-mark:' ? 'mark' : isView ? 'view' : 'claim';
        const counted = `${prefix}view-claim:pv-counted:${name.slice(3)}`;
        const reply = await client.eval(MOVE, {
          keys: [key, `${prefix}once:${name}`, counted],
          arguments: [kind, String(Date.now())],
        });
        moved += Number(reply);
      }
    }
  }
  await client.set(done, String(Date.now()));
  return moved;
}
