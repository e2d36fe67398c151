// Wires the parts together (store, telemetry, pubsub, posts, counting, live, web) and takes them apart again.
import { statSync } from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildLiveServer } from './compose-live.js';
import type { Config } from './config.js';
import { CountingService } from './counting/counting-service.js';
import { NetworkLimit } from './counting/network.js';
import { PostPusher } from './counting/post-pusher.js';
import { ReadCounter } from './counting/read-counter.js';
import { ReadPolicy } from './counting/read-policy.js';
import { Receipts } from './counting/receipts.js';
import { MemorySalts, type SaltRegistry } from './counting/salts.js';
import { POSTS_TOPIC } from './counting/topics.js';
import type { Viewer } from './counting/viewer.js';
import { SiteRegistry } from './embed/sites.js';
import { Engagement } from './engagement/engagement.js';
import { ConfigError } from './errors.js';
import { GhostBoard } from './ghosts/board.js';
import { ClusterGhostBoard } from './ghosts/cluster-board.js';
import { createResponsiveImages } from './images/setup.js';
import { type LiveServer, TokenSigner } from './live/index.js';
import { PostLibrary } from './posts/library.js';
import { PostRenderer } from './posts/render.js';
import { watchPosts } from './posts/watch.js';
import { ClusterPresence } from './presence/cluster-presence.js';
import { LocalPresence, type Presence } from './presence/presence.js';
import { PubSub, type PubSubAdapter } from './pubsub/pubsub.js';
import type { RedisBackend } from './redis-backend.js';
import { watchSiteFile } from './site-file-watch.js';
import { checkFolderOverlap, loadSecretKey, openSqlite, prepareDataDir, secretKeyWarning } from './store/data-dir.js';
import type { CounterStore } from './store/store.js';
import { HANDLER_FAILURE_EVENT, Telemetry } from './telemetry/telemetry.js';
import { buildApp } from './web/app.js';
import { renderBudgetBytes } from './web/post-view.js';
import { PreviewKeys } from './web/preview-keys.js';
import { Site } from './web/site.js';
import { readPartials, watchPartials } from './web/theme-partials.js';

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
  readonly live: LiveServer<Viewer, 'invalid_token'>;
  readonly site: Site;
  /**
   * Closes sockets (1001), commits pending reads (retrying for `graceMs` while the store fails), closes the store; safe
   * to call twice. Resolves with the number of reads that could not be committed (lost; none was acknowledged).
   */
  close(graceMs?: number): Promise<number>;
}

export interface ReadcountOptions {
  readonly logger?: FastifyServerOptions['logger'];
  readonly watch?: boolean;
  readonly telemetry?: Telemetry;
  /** Reads the settings again (flags, env, site file); given, readcount.yml is watched and the site identity reloaded. */
  readonly rereadConfig?: () => Config;
  /** One worker of `serve --workers N` (src/cluster/): its pid, and without Redis the primary's pubsub relay. */
  readonly cluster?: {
    readonly worker: number;
    readonly adapter?: PubSubAdapter;
  };
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
  checkFolderOverlap(config);
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
    ? await (await import('./redis-backend.js')).RedisBackend.open(config, log)
    : undefined;
  const secret = redis?.secret ?? loadSecretKey(config);
  const keyWarning = redis ? undefined : secretKeyWarning(config);
  if (keyWarning) log('warn', keyWarning);
  const sqlite = redis ? undefined : openSqlite(config);
  const store: CounterStore = redis?.store ?? (sqlite as CounterStore);
  const telemetry = options.telemetry ?? new Telemetry();
  redis?.watchDrops(telemetry);
  // :telemetry's contract: a handler that throws is detached and reported. Counting never rides on a handler (it is
  // called directly), so this only tells the operator that an observer (metrics, receipts, their own) went quiet.
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
  // Several processes agree through a relaying adapter: Redis between instances, the primary between workers on one box.
  const clustered = redis !== undefined || options.cluster?.adapter !== undefined;
  const pubsub = new PubSub(
    redis?.adapter ?? options.cluster?.adapter,
    (error, message) => log('error', 'pubsub subscriber failed', { err: error, topic: message.topic }),
    { fanoutSlice: config.fanoutSlice },
  );
  await pubsub.start();
  const library = await PostLibrary.open(config.postsDir, {
    permalinks: config.permalinks,
    onProblem: (problem) =>
      log(
        'warn',
        `post ${problem.keptLastGood ? 'kept at its last good version' : 'skipped'}: ${problem.file}: ${problem.reason}`,
      ),
  });
  // Shiki takes a second to warm up; the server listens meanwhile and only post pages wait for it.
  const images = createResponsiveImages(config, (slug) => library.get(slug)?.bundleDir, log);
  const renderer = PostRenderer.create({
    cacheBytes: renderBudgetBytes(config),
    onUnknownLanguage: (file, language) =>
      log('warn', `unknown code language "${language}" in ${file}: shown as plain code`),
    images: (attribs) => images.attributes(attribs),
  });
  renderer.then(
    // The grammars the posts use load after start, behind requests, instead of in some reader's first fetch.
    (ready) => ready.warmLanguages(library.all()),
    (error: unknown) => log('error', 'syntax highlighter failed to start', { err: error }),
  );
  // Every join and leave changes "reading now" for every viewer of the post: pushed every 50 ms, a crowd of 10,000 arriving
  // would be sent 200,000 frames a second (bench scenario 1), so the number refreshes at most once a second.
  const readingIntervalMs = Math.max(config.pushIntervalMs, PRESENCE_PUSH_INTERVAL_MS);
  // The one pusher per post: counts and "reading now" (cluster-wide with Redis) to this process's viewers.
  const pusher = new PostPusher({
    pubsub,
    telemetry,
    pushIntervalMs: config.pushIntervalMs,
    readingIntervalMs,
    viewersPerPushInterval: config.pushViewersPerInterval,
    reading: (slug) => presence.reading(slug),
    ...(config.ghosts ? { ghosts: { take: (slug: string) => ghostBoard?.takeFrame(slug) } } : {}),
  });
  // Reader ghosts: the board keeps positions and says when a post's changed; the pusher sends its frame.
  const ghostBoardOptions = { pubsub, onChange: (slug: string) => pusher.ghostsChanged(slug) };
  const ghostBoard = config.ghosts
    ? clustered
      ? new ClusterGhostBoard(ghostBoardOptions)
      : new GhostBoard(ghostBoardOptions)
    : undefined;
  await ghostBoard?.start();
  const onChange = (slug: string) => pusher.readingChanged(slug);
  const presence: Presence = clustered
    ? new ClusterPresence({ pubsub, syncIntervalMs: readingIntervalMs, timeoutMs: config.presenceTimeoutMs, onChange })
    : new LocalPresence({ onChange });
  await presence.start();
  const counter = new ReadCounter({
    store,
    pubsub,
    telemetry,
    pusher,
    commitDelayMs: config.commitDelayMs,
    maxPendingReads: config.pendingReadsMax,
    replyWaitMs: config.readReplyWaitMs,
    // Once per transition, as the Redis outage is: a full disk must be loud, and its end said once.
    onStoreState: (failing, { error, pending }) => {
      const where = redis ? 'Redis (REDIS_URL)' : `SQLite in DATA_DIR=${config.dataDir}`;
      if (failing)
        log(
          'error',
          `commits are failing: ${(error as Error | undefined)?.message ?? String(error)} (${where}); ${pending} reads wait unacknowledged and are retried`,
          { commits: 'failing' },
        );
      else log('info', `commits succeed again (${where}); ${pending} reads still pending`, { commits: 'ok' });
    },
  });
  // Redis back: commits wait while its data is checked (and restored, if it lost it), then every total is re-read.
  redis?.onReturn({
    hold: (recovery) => counter.hold(recovery),
    recovered: async (lost) => {
      if (lost) await counter.restore();
      await counter.resync();
    },
  });
  const sites = SiteRegistry.fromConfig(config.sites);
  sites.assertNoClash(library.slugs());
  await counter.start([...library.slugs(), ...sites.slugs()]);
  let stopped = false;
  // A new post without a counter has no page (404) until one is made, so a failure (Redis briefly away) is retried.
  const addPosts = (slugs: readonly string[], attempt = 0): void => {
    counter.addPosts(slugs).then(
      () => announce(slugs),
      (error: unknown) => {
        if (stopped) return;
        const retryMs = Math.min(ADD_POSTS_RETRY_MAX_MS, 1000 * 2 ** attempt);
        log('error', `could not create counters for ${slugs.join(', ')}; retrying in ${retryMs} ms`, { err: error });
        setTimeout(() => !stopped && addPosts(slugs, attempt + 1), retryMs).unref();
      },
    );
  };
  // Open index pages fetch their list again when a post goes up (a scheduled one at its instant, or a new file).
  // Each instance publishes on its own timer, so this stays local: a relayed copy would arrive once per instance.
  const announce = (slugs: readonly string[]): void => {
    const posts = slugs.filter((slug) => {
      const post = library.get(slug);
      return post !== undefined && post.kind !== 'page';
    });
    if (posts.length > 0) pubsub.localBroadcast(POSTS_TOPIC, 'published', { slugs: posts });
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
  const watcher =
    options.watch === false
      ? undefined
      : watchPosts(library, config.postsDir, {
          onError: (error) => log('error', `reloading posts failed: ${error.message}`),
        });
  const site = new Site(config);
  const siteWatcher =
    options.watch === false || !options.rereadConfig || !config.configFile
      ? undefined
      : watchSiteFile(config.configFile, site, options.rereadConfig, config, log);
  const partialsWatcher = options.watch === false ? undefined : watchPartials(config.staticDir, site, log);
  if (!partialsWatcher) site.setPartials(readPartials(config.staticDir, log));
  // SQLite keeps the day's salt in the database until the day ends, so a restart does not make today's visitors new.
  const salts: SaltRegistry =
    redis?.salts ?? (sqlite ? { saltFor: (day) => sqlite.saltFor(day), close: async () => {} } : new MemorySalts());
  const signer = new TokenSigner(secret, config.tokenMaxAgeMs);
  const previewKeys = new PreviewKeys(secret);
  // Only the author asked for these (front matter `preview: true`); the links are in no page, feed or sitemap.
  for (const post of library.unpublished().filter((draft) => draft.preview === true)) {
    log('info', `preview of ${post.file}: ${config.siteUrl ?? ''}${previewKeys.path(post.slug)}`);
  }
  const networkRules = {
    saltFor: (day: string) => salts.saltFor(day),
    maxReads: config.maxReadsPerNetwork,
    countMode: config.countMode,
  };
  const networkLimit = new NetworkLimit(networkRules);
  // After Redis lost its data, page views from before cannot be told counted: they are not counted again.
  const claimsSince = () => redis?.claimsSince() ?? 0;
  const policy = new ReadPolicy({
    signer,
    salts,
    networkLimit,
    ...config,
    countBots: config.countBots === true,
    claimsSince,
    firstJoin: (view) => engagement.firstJoin(view),
  });
  const receipts = new Receipts(telemetry);
  const engagement = new Engagement({
    signer,
    salts,
    ...config,
    countBots: config.countBots === true,
    counter,
    store,
    claimsSince,
    networkLimit: new NetworkLimit({ ...networkRules, scope: 'network-view' }),
    // Referrers from the site itself count as "direct": its canonical host and the origins it trusts with its counter.
    ownHosts: [...(config.siteUrl ? [config.siteUrl] : []), ...config.embedOrigins].flatMap((origin) =>
      URL.canParse(origin) ? [new URL(origin).host] : [],
    ),
  });
  const counting = new CountingService({ policy, counter, telemetry, engagement });
  const { live, longPoll } = buildLiveServer({
    config,
    signer,
    pubsub,
    telemetry,
    library,
    sites,
    counter,
    counting,
    presence,
    engagement,
    ...(ghostBoard ? { ghostBoard } : {}),
  });
  const app: FastifyInstance = await buildApp({
    config,
    library,
    renderer,
    images,
    counter,
    live,
    longPoll,
    signer,
    receipts,
    store,
    telemetry,
    sites,
    site,
    engagement,
    reading: (slug) => presence.reading(slug),
    previewKeys,
    // A Redis host gone silent (no reset) still looks connected; failing commits are what show it, as they do a full disk.
    health: () => ({
      status: (redis && !redis.isUp()) || counter.storeFailing() ? 'degraded' : 'ok',
      store: store.kind,
      commits: counter.storeFailing() ? 'failing' : 'ok',
      ...(redis ? { redis: redis.isUp() ? 'up' : 'down' } : {}),
      ...(redis?.dataLost() ? { redis_data_lost_at: redis.dataLost() } : {}),
      posts: library.list().length,
      content_problems: library.contentProblems(),
      connections: live.connectionCount(),
      pendingReads: counter.pendingReads(),
      ...(options.cluster ? { worker: options.cluster.worker } : {}),
    }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  ready = app;
  for (const [level, message, detail] of early.splice(0)) app.log[level](detail, message);

  let closing: Promise<number> | undefined;
  const close = (graceMs = 0) =>
    (closing ??= (async () => {
      stopped = true;
      library.close();
      live.close();
      longPoll.close();
      await watcher?.close();
      await siteWatcher?.close();
      await partialsWatcher?.close();
      await app.close();
      const lost = await counter.close(graceMs);
      pusher.close();
      receipts.close();
      await ghostBoard?.close();
      await presence.close();
      await pubsub.close();
      await salts.close();
      await store.close();
      await redis?.close(telemetry);
      return lost;
    })());

  return { app, config, store, counter, telemetry, pubsub, library, live, site, close };
}
