// Whether the Redis behind REDIS_URL still holds what this instance saw at start: a generation key written once, and
// what the instances do to make a Redis that lost its data whole again (its key, the day's salt, the counters).
import { randomUUID } from 'node:crypto';
import { assertReady, type RedisClient, withTimeout } from './redis/connection.js';

/** `since`: page views issued before it may have lost their claims with the data (0: nothing was lost). */
export interface Generation {
  readonly id: string;
  readonly since: number;
}

const parse = (value: unknown): Generation | undefined => {
  if (typeof value !== 'string') return undefined;
  const [id, since] = value.split(':');
  const at = Number(since);
  return id && Number.isSafeInteger(at) ? { id, since: at } : undefined;
};

/**
 * The generation in Redis, made (SET NX) when there is none. `since` is 0 for one made at start (a first start, or an
 * upgrade from a version without the key: nothing is known to be lost) and now for one made after a loss.
 */
export async function currentGeneration(
  client: RedisClient,
  prefix: string,
  lost: boolean,
  timeoutMs: number,
): Promise<Generation> {
  const key = `${prefix}generation`;
  assertReady(client, 'making the generation key');
  const made = client
    .multi()
    .set(key, `${randomUUID()}:${lost ? Date.now() : 0}`, { condition: 'NX' })
    .get(key)
    .exec();
  const replies = (await withTimeout(made, timeoutMs, 'making the generation key')) as unknown[];
  const generation = parse(replies[1]);
  if (!generation) throw new Error(`${key} in Redis holds no generation`);
  return generation;
}

/**
 * Reads the generation without making one: undefined when Redis has none (its data is gone). Every call here has a
 * deadline: commits wait for this check after a return, and a reply lost on a half-open connection would hold them.
 */
export async function readGeneration(
  client: RedisClient,
  prefix: string,
  timeoutMs: number,
): Promise<Generation | undefined> {
  return parse(await withTimeout(client.get(`${prefix}generation`), timeoutMs, 'reading the generation key'));
}

/** Puts this instance's signing key back (SET NX): every instance had the same one, so the first back wins alike. */
export async function reshareSecret(
  client: RedisClient,
  prefix: string,
  secret: string,
  timeoutMs: number,
): Promise<boolean> {
  const key = `${prefix}secret-key`;
  await withTimeout(client.set(key, secret, { condition: 'NX' }), timeoutMs, 'sharing the signing key');
  return (await withTimeout(client.get(key), timeoutMs, 'reading the signing key')) === secret;
}
