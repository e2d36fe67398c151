// Wires the parts together (store, telemetry, pubsub, posts, counting, live, web) and takes them apart again.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { type ClaimRegistry, MemoryClaims } from './counting/claims.js';
import { ReadPolicy } from './counting/read-policy.js';
import { Receipts } from './counting/receipts.js';
import { SiteRegistry } from './embed/sites.js';
import { Engagement } from './engagement/engagement.js';
import { ConfigError } from './errors.js';
import { ClusterPresence } from './live/cluster-presence.js';
import { LiveServer } from './live/live-server.js';
import { IndexChannelRoute, PostChannelRoute } from './live/post-channel.js';
import { LocalPresence, type Presence } from './live/presence.js';
import { TokenSigner } from './live/token.js';
import { PostLibrary } from './posts/library.js';
import { PostRenderer } from './posts/render.js';
import { watchPosts } from './posts/watch.js';
import { PubSub } from './pubsub/pubsub.js';
import type { RedisBackend } from './redis/backend.js';
import { ReadCounter } from './store/read-counter.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { CounterStore } from './store/store.js';
import { HANDLER_FAILURE_EVENT, Telemetry } from './telemetry/telemetry.js';
import { buildApp } from './web/app.js';

const PRESENCE_PUSH_INTERVAL_MS = 1000;
/** Creating counters for new posts is retried with doubling waits up to this (a Redis outage can last). */
const ADD_POSTS_RETRY_MAX_MS = 30_000;

export interface Readcount {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly store: CounterStore;
  readonly counter: ReadCounter;
  readonly telemetry: Telemetry;
  readonly pubsub: PubSub;
  readonly library: PostLibrary;
  readonly live: LiveServer;
  /** Closes sockets (1001), commits pending reads, closes the store; safe to call twice. */
  close(): Promise<void>;
}

export interface ReadcountOptions {
  readonly logger?: FastifyServerOptions['logger'];
  readonly watch?: boolean;
  readonly telemetry?: Telemetry;
}

export function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw new ConfigError(
      'DATA_DIR',
      `${dataDir} is not a writable folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** The configured key, or one generated once and kept (mode 0600) in DATA_DIR so restarts keep open pages valid. */
export function loadSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, 'secret.key');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
    throw new ConfigError('SECRET_KEY', `${file} holds fewer than 32 characters; delete it to generate a new key`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export function openSqlite(config: Config): SqliteStore {
  const file = join(config.dataDir, 'readcount.db');
  try {
    return new SqliteStore(file);
  } catch (error) {
    throw new ConfigError('DATA_DIR', `${file} cannot be opened as a readcount database (${(error as Error).message})`);
  }
}

export async function createReadcount(config: Config, options: ReadcountOptions = {}): Promise<Readcount> {
  try {
    if (!statSync(config.postsDir).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new ConfigError(
      'POSTS_DIR',
      `${config.postsDir} is not a readable folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  prepareDataDir(config.dataDir);
  // Lines logged before Fastify (which owns the logger) exists, e.g. broken posts found at start, wait here.
  type Level = 'warn' | 'error' | 'info';
  const early: [Level, string, Record<string, unknown>][] = [];
  let ready: FastifyInstance | undefined;
  const log = (level: Level, message: string, detail: Record<string, unknown> = {}) => {
    if (ready) ready.log[level](detail, message);
    else early.push([level, message, detail]);
  };
  // With REDIS_URL, counts, once-only claims, the signing key and pubsub live in Redis, shared by every instance.
  // The Redis client is loaded only when used: a single-instance blog should not pay its import at start.
  const redis: RedisBackend | undefined = config.redisUrl
    ? await (await import('./redis/backend.js')).RedisBackend.open(config, log)
    : undefined;
  const secret = redis?.secret ?? loadSecretKey(config);
  const store = redis?.store ?? openSqlite(config);
  const telemetry = options.telemetry ?? new Telemetry();
  redis?.watchDrops(telemetry);
  // :telemetry's contract: a handler that throws is detached and reported; a detached counter must be loud.
  telemetry.attach(
    'readcount.handler-failures',
    HANDLER_FAILURE_EVENT,
    (_event, _measurements, metadata) => {
      log('error', `telemetry handler "${String(metadata.handler_id)}" threw and was detached`, {
        err: metadata.error,
      });
    },
    null,
  );
  const pubsub = new PubSub(
    redis?.adapter,
    (error, message) => log('error', 'pubsub subscriber failed', { err: error, topic: message.topic }),
    { fanoutSlice: config.fanoutSlice },
  );
  await pubsub.start();
  const library = await PostLibrary.open(config.postsDir, {
    onProblem: (problem) => log('warn', `post skipped: ${problem.file}: ${problem.reason}`),
  });
  // Shiki takes a second to warm up; the server listens meanwhile and only post pages wait for it.
  const renderer = PostRenderer.create();
  renderer.catch((error: unknown) => log('error', 'syntax highlighter failed to start', { err: error }));
  // Every join and leave changes "reading now" for every viewer of the post: pushed every 50 ms, a crowd of 10,000 arriving
  // would be sent 200,000 frames a second (bench scenario 1), so the number refreshes at most once a second.
  const presenceOptions = {
    pubsub,
    pushIntervalMs: Math.max(config.pushIntervalMs, PRESENCE_PUSH_INTERVAL_MS),
    timeoutMs: config.presenceTimeoutMs,
  };
  const localPresence = redis ? undefined : new LocalPresence(presenceOptions);
  const presence: Presence = localPresence ?? new ClusterPresence(presenceOptions);
  await presence.start();
  const counter = new ReadCounter({
    store,
    pubsub,
    telemetry,
    pushIntervalMs: config.pushIntervalMs,
    viewersPerPushInterval: config.pushViewersPerInterval,
    commitDelayMs: config.commitDelayMs,
    maxPendingReads: config.pendingReadsMax,
    // One instance: "reading now" rides on count pushes. In a cluster each process pushes its own (see ReadingNow).
    ...(localPresence ? { readingNow: localPresence } : {}),
  });
  const sites = SiteRegistry.fromConfig(config.sites);
  sites.assertNoClash(library.slugs());
  await counter.start([...library.slugs(), ...sites.slugs()]);
  let stopped = false;
  // A new post without a counter has no page (404) until one is made, so a failure (Redis briefly away) is retried.
  const addPosts = (slugs: readonly string[], attempt = 0): void => {
    counter.addPosts(slugs).catch((error: unknown) => {
      if (stopped) return;
      const retryMs = Math.min(ADD_POSTS_RETRY_MAX_MS, 1000 * 2 ** attempt);
      log('error', `could not create counters for ${slugs.join(', ')}; retrying in ${retryMs} ms`, { err: error });
      setTimeout(() => !stopped && addPosts(slugs, attempt + 1), retryMs).unref();
    });
  };
  library.on('change', (changes) => {
    void renderer.then(
      (ready) => {
        for (const slug of [...changes.changed, ...changes.removed]) ready.forget(slug);
      },
      () => {},
    );
    if (changes.added.length > 0) addPosts(changes.added);
  });
  const watcher = options.watch === false ? undefined : watchPosts(library, config.postsDir, {});
  const claims: ClaimRegistry = redis?.claims ?? new MemoryClaims();
  const signer = new TokenSigner(secret, config.tokenMaxAgeMs);
  const policy = new ReadPolicy({ signer, claims, ...config });
  const receipts = new Receipts(telemetry);
  const engagement = new Engagement({
    signer,
    claims,
    ...config,
    record: (items) => counter.recordEngagement(items),
    ownHosts: config.allowedOrigins.flatMap((origin) => (URL.canParse(origin) ? [new URL(origin).host] : [])),
  });
  const live = new LiveServer({
    signer,
    pubsub,
    telemetry,
    allowedOrigins: [...config.allowedOrigins, ...config.embedOrigins],
    routes: [
      new PostChannelRoute({
        library: { get: (slug) => library.get(slug) ?? sites.lookup(slug) },
        counter,
        policy,
        telemetry,
        viewMemoryMs: config.tokenMaxAgeMs,
        presence,
        engagement,
      }),
      new IndexChannelRoute({
        counter,
        telemetry,
        listed: (slug) => (library.get(slug) ?? sites.lookup(slug)) !== undefined,
      }),
    ],
    limits: {
      maxChannels: config.liveMaxChannels,
      maxMsgsPerSec: config.liveMaxMsgsPerSec,
      maxBufferedBytes: config.liveMaxBufferedBytes,
      maxConnectionsPerIp: config.liveMaxConnectionsPerIp,
      idleTimeoutMs: config.liveIdleTimeoutMs,
    },
  });
  const app: FastifyInstance = await buildApp({
    config,
    library,
    renderer,
    counter,
    live,
    signer,
    receipts,
    store,
    telemetry,
    sites,
    engagement,
    reading: (slug) => presence.reading(slug),
    // A Redis host gone silent (no reset) still looks connected; failing commits are what show it, as they do a full disk.
    health: () => ({
      status: (redis && !redis.isUp()) || counter.storeFailing() ? 'degraded' : 'ok',
      store: store.kind,
      commits: counter.storeFailing() ? 'failing' : 'ok',
      ...(redis ? { redis: redis.isUp() ? 'up' : 'down' } : {}),
      posts: library.list().length,
      connections: live.connectionCount(),
      pendingReads: counter.pendingReads(),
    }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  ready = app;
  for (const [level, message, detail] of early.splice(0)) app.log[level](detail, message);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopped = true;
      live.close();
      await watcher?.close();
      await app.close();
      await counter.close();
      receipts.close();
      await presence.close();
      await pubsub.close();
      await claims.close();
      await store.close();
      await redis?.close(telemetry);
    })());

  return { app, config, store, counter, telemetry, pubsub, library, live, close };
}
