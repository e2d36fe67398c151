// Everything readcount keeps in Redis when REDIS_URL is set, opened together, watched together (healthz, logs), closed together.
import type { Config } from './config.js';
import { RedisSalts, sharedSecretKey } from './counting/redis-salts.js';
import { RedisPubSubAdapter } from './pubsub/redis-adapter.js';
import { closeRedis, connectRedis, type RedisClient, redactUrl } from './redis/connection.js';
import { currentGeneration, type Generation, readGeneration, reshareSecret } from './redis-generation.js';
import { RedisStore } from './store/redis-store.js';
import { moveOldViewKeys } from './store/redis-view-keys.js';
import { EVENTS, type Telemetry } from './telemetry/telemetry.js';

/** The settings Redis is opened and watched with. */
export type RedisConfig = Pick<
  Config,
  'redisUrl' | 'redisPrefix' | 'redisCommandTimeoutMs' | 'secretKey' | 'pendingReadsMax'
>;

export type BackendLog = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

/** What the app does when a Redis connection comes back (the counting plugin wires the read counter in). */
export interface RedisReturnHooks {
  /** Called at once when a connection is up again: commits wait for `recovery` (the data check and restore go first). */
  hold(recovery: Promise<void>): void;
  /** The generation was checked; `lost`: Redis came back without its data. Re-read totals (and restore them if lost). */
  recovered(lost: boolean): Promise<void>;
}

/** Reads dropped because the buffer was full are logged at most this often (with the running total), never per read. */
const DROP_LOG_EVERY_MS = 10_000;

export class RedisBackend {
  readonly store: RedisStore;
  readonly adapter: RedisPubSubAdapter;
  readonly salts: RedisSalts;
  /** Per connection (commands, subscriber): whether it is up now. */
  private readonly up = new Map<string, boolean>([
    ['commands', true],
    ['pubsub', false],
  ]);
  private wasUp = true;
  private lastDropLog = 0;
  private droppedSinceLog = 0;
  /** Our own close drops the connections too; that is not an outage to report. */
  private closing = false;
  private hooks: RedisReturnHooks | undefined;
  /** Each return of a connection is handled after the one before (a flapping Redis must not run them side by side). */
  private recovery: Promise<void> = Promise.resolve();
  /** When this instance found Redis without its data (undefined: never). */
  private dataLostAt: number | undefined;

  private constructor(
    readonly client: RedisClient,
    readonly secret: string,
    private generation: Generation,
    private readonly config: RedisConfig,
    private readonly log: BackendLog,
  ) {
    const { redisPrefix: prefix, redisCommandTimeoutMs: commandTimeoutMs } = config;
    this.store = new RedisStore(client, { prefix, commandTimeoutMs });
    this.salts = new RedisSalts(client, prefix, Date.now, commandTimeoutMs);
    this.adapter = new RedisPubSubAdapter(client, {
      prefix,
      onStateChange: (up, error) => this.setState('pubsub', up, error),
    });
  }

  /** Connects (or throws ConfigError naming REDIS_URL) and reads or creates the shared signing key. */
  static async open(config: RedisConfig, log: BackendLog): Promise<RedisBackend> {
    const url = config.redisUrl ?? '';
    let backend: RedisBackend | undefined;
    const client = await connectRedis(url, {
      name: 'readcount',
      onStateChange: (up, error) => backend?.setState('commands', up, error),
    });
    try {
      const secret = config.secretKey ?? (await sharedSecretKey(client, config.redisPrefix));
      const generation = await currentGeneration(client, config.redisPrefix, false, config.redisCommandTimeoutMs);
      await moveOldViewKeys(client, config.redisPrefix);
      backend = new RedisBackend(client, secret, generation, config, log);
      return backend;
    } catch (error) {
      await closeRedis(client);
      throw error;
    }
  }

  /** Told whenever a connection comes back; see RedisReturnHooks. */
  onReturn(hooks: RedisReturnHooks): void {
    this.hooks = hooks;
  }

  /** ISO time this instance found Redis had lost its data (for /healthz); undefined if it never did. */
  dataLost(): string | undefined {
    return this.dataLostAt === undefined ? undefined : new Date(this.dataLostAt).toISOString();
  }

  /**
   * Page views issued before this may have had their claims (read, view, report) in the data Redis lost: they are not
   * counted again. 0 until a loss is seen.
   */
  claimsSince(): number {
    return Math.max(this.generation.since, this.dataLostAt ?? 0);
  }

  isUp(): boolean {
    return [...this.up.values()].every(Boolean);
  }

  /** Logs buffer overflow once per interval while it lasts, with how many reads were dropped. */
  watchDrops(telemetry: Telemetry): void {
    telemetry.attach(
      'readcount.redis-backend',
      EVENTS.readsDropped,
      (_event, measurements) => {
        const dropped = measurements.dropped ?? 0;
        if (dropped === 0) return;
        this.droppedSinceLog += dropped;
        const now = Date.now();
        if (now - this.lastDropLog < DROP_LOG_EVERY_MS) return;
        this.lastDropLog = now;
        this.safeLog(
          'warn',
          `read buffer full (PENDING_READS_MAX=${this.config.pendingReadsMax}): dropped the ${this.droppedSinceLog} oldest reads`,
          { dropped: this.droppedSinceLog },
        );
        this.droppedSinceLog = 0;
      },
      null,
    );
  }

  async close(telemetry?: Telemetry): Promise<void> {
    this.closing = true;
    telemetry?.detach('readcount.redis-backend');
    await this.salts.close();
    await closeRedis(this.client);
  }

  private setState(connection: string, up: boolean, error?: Error): void {
    const was = this.up.get(connection);
    this.up.set(connection, up);
    if (this.closing) return;
    if (up && !was) this.returned();
    const now = this.isUp();
    if (now === this.wasUp) return;
    this.wasUp = now;
    const where = redactUrl(this.config.redisUrl ?? '');
    if (!now) {
      this.safeLog(
        'warn',
        `Redis at ${where} unreachable (${error?.message ?? 'connection closed'}): serving last known counts, keeping up to ${this.config.pendingReadsMax} reads until it is back`,
        { redis: 'down' },
      );
    } else {
      this.safeLog('info', `Redis at ${where} reachable again: applying buffered reads, live updates resume`, {
        redis: 'up',
      });
    }
  }

  /** A connection is up again: check the data is still there (restoring what it lost), then re-read the totals. */
  private returned(): void {
    const hooks = this.hooks;
    if (!hooks) return;
    const run = this.recovery.then(async () => {
      if (this.closing || !this.client.isReady) return;
      const found = await readGeneration(this.client, this.config.redisPrefix, this.config.redisCommandTimeoutMs);
      const lost = found?.id !== this.generation.id;
      if (lost) await this.lostData(found);
      await hooks.recovered(lost);
    });
    this.recovery = run.catch((error: unknown) => {
      // Redis went away again mid-way: its next return runs this again.
      this.safeLog('warn', `checking Redis after it came back failed: ${(error as Error).message}`);
    });
    hooks.hold(this.recovery);
  }

  /** Redis came back empty (restarted without AOF or RDB, flushed, or another server): say so and share again what was shared. */
  private async lostData(found: Generation | undefined): Promise<void> {
    const { redisPrefix: prefix } = this.config;
    this.dataLostAt = Date.now();
    this.generation = found ?? (await currentGeneration(this.client, prefix, true, this.config.redisCommandTimeoutMs));
    this.safeLog(
      'error',
      `Redis at ${redactUrl(this.config.redisUrl ?? '')} lost its data: counters are restored from the highest totals the instances hold (per-day counts and engagement since the last backup are gone), the signing key and today's salt are shared again; page views opened before now are not counted again`,
      { redis: 'data_lost' },
    );
    if (
      !this.config.secretKey &&
      !(await reshareSecret(this.client, prefix, this.secret, this.config.redisCommandTimeoutMs))
    )
      this.safeLog(
        'error',
        `the signing key in Redis is not this instance's (an instance started on the empty Redis made a new one): set SECRET_KEY on every instance, or restart them all`,
      );
    await this.salts.reshare();
  }

  private safeLog(...args: Parameters<BackendLog>): void {
    try {
      this.log(...args);
    } catch {
      // The logger does not exist yet during startup; startup failures surface as exceptions instead.
    }
  }
}
