// Everything readcount keeps in Redis when REDIS_URL is set, opened together, watched together (healthz, logs), closed together.
import type { Config } from './config.js';
import { RedisClaims, sharedSecretKey } from './counting/redis-claims.js';
import { RedisViewClaims } from './engagement/redis-view-claims.js';
import { RedisPubSubAdapter } from './pubsub/redis-adapter.js';
import { closeRedis, connectRedis, type RedisClient, redactUrl } from './redis/connection.js';
import { RedisStore } from './store/redis-store.js';
import { EVENTS, type Telemetry } from './telemetry/telemetry.js';

export type BackendLog = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

/** Reads dropped because the buffer was full are logged at most this often (with the running total), never per read. */
const DROP_LOG_EVERY_MS = 10_000;

export class RedisBackend {
  readonly store: RedisStore;
  readonly adapter: RedisPubSubAdapter;
  readonly claims: RedisClaims;
  readonly viewClaims: RedisViewClaims;
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

  private constructor(
    readonly client: RedisClient,
    readonly secret: string,
    private readonly config: Config,
    private readonly log: BackendLog,
  ) {
    const { redisPrefix: prefix, redisCommandTimeoutMs: commandTimeoutMs } = config;
    this.store = new RedisStore(client, { prefix, commandTimeoutMs });
    this.claims = new RedisClaims(client, prefix, Date.now, commandTimeoutMs);
    this.viewClaims = new RedisViewClaims(client, prefix, commandTimeoutMs);
    this.adapter = new RedisPubSubAdapter(client, {
      prefix,
      onStateChange: (up, error) => this.setState('pubsub', up, error),
    });
  }

  /** Connects (or throws ConfigError naming REDIS_URL) and reads or creates the shared signing key. */
  static async open(config: Config, log: BackendLog): Promise<RedisBackend> {
    const url = config.redisUrl ?? '';
    let backend: RedisBackend | undefined;
    const client = await connectRedis(url, {
      name: 'readcount',
      onStateChange: (up, error) => backend?.setState('commands', up, error),
    });
    try {
      const secret = config.secretKey ?? (await sharedSecretKey(client, config.redisPrefix));
      backend = new RedisBackend(client, secret, config, log);
      return backend;
    } catch (error) {
      await closeRedis(client);
      throw error;
    }
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
    await this.claims.close();
    await closeRedis(this.client);
  }

  private setState(connection: string, up: boolean, error?: Error): void {
    this.up.set(connection, up);
    if (this.closing) return;
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

  private safeLog(...args: Parameters<BackendLog>): void {
    try {
      this.log(...args);
    } catch {
      // The logger does not exist yet during startup; startup failures surface as exceptions instead.
    }
  }
}
