// The store plugin: counts, claims, salts and the signing key in SQLite (DATA_DIR) or Redis (REDIS_URL); closed last.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import { MemorySalts, type SaltRegistry } from './counting/salts.js';
import type { RedisBackend, RedisConfig, RedisReturnHooks } from './redis-backend.js';
import { checkFolderOverlap, loadSecretKey, openSqlite, prepareDataDir, secretKeyWarning } from './store/data-dir.js';
import type { CounterStore } from './store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: CounterStore;
    /** Signs page-view tokens and preview links: shared through Redis, or DATA_DIR/secret.key. */
    secret: string;
    /** The Redis backend with REDIS_URL (its pubsub adapter, outage hooks, health); undefined with SQLite. */
    redis: RedisBackend | undefined;
    /** The day's salt for visitor and network claims. */
    salts: SaltRegistry;
    /** Page views issued before this lost their claims with the store's data (Redis came back empty): not counted. */
    claimsSince(): number;
    /** What to do when the store's connection comes back (Redis); never called with SQLite. */
    onStoreReturn(hooks: RedisReturnHooks): void;
  }
}

export interface StorePluginOptions {
  readonly config: RedisConfig & Pick<Config, 'dataDir' | 'staticDir' | 'postsDir'>;
}

async function storeFeature(app: FastifyInstance, { config }: StorePluginOptions): Promise<void> {
  checkFolderOverlap(config);
  prepareDataDir(config.dataDir);
  const log = (level: 'info' | 'warn' | 'error', message: string, detail: Record<string, unknown> = {}) =>
    app.log[level](detail, message);
  // The Redis client is loaded only when used: a single-instance blog should not pay its import at start.
  const redis = config.redisUrl ? await (await import('./redis-backend.js')).RedisBackend.open(config, log) : undefined;
  const keyWarning = redis ? undefined : secretKeyWarning(config);
  if (keyWarning) log('warn', keyWarning);
  const sqlite = redis ? undefined : openSqlite(config);
  app.decorate('redis', redis);
  app.decorate('secret', redis?.secret ?? loadSecretKey(config));
  app.decorate('store', redis?.store ?? (sqlite as CounterStore));
  // SQLite keeps the day's salt in the database until the day ends, so a restart does not make today's visitors new.
  const salts: SaltRegistry =
    redis?.salts ?? (sqlite ? { saltFor: (day) => sqlite.saltFor(day), close: async () => {} } : new MemorySalts());
  app.decorate('salts', salts);
  app.decorate('claimsSince', () => redis?.claimsSince() ?? 0);
  app.decorate('onStoreReturn', (hooks: RedisReturnHooks) => redis?.onReturn(hooks));
  redis?.watchDrops(app.telemetry);
  // Registered first (after telemetry), so closed last: every commit and claim before it has been made.
  app.addHook('onClose', async () => {
    await salts.close();
    await app.store.close();
    await redis?.close(app.telemetry);
  });
}

export const storePlugin = fp(storeFeature, {
  name: 'readcount-store',
  fastify: '5.x',
  dependencies: ['readcount-telemetry'],
});
