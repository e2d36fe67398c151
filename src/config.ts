// Settings: one table of every option (env var, `serve` flag, default, check), read once at start.
import { isIP } from 'node:net';
import { ConfigError } from './errors.js';

type Parser<T> = (raw: string) => T;

export interface OptionSpec<T> {
  readonly env: string;
  readonly flag: string;
  readonly description: string;
  readonly default: T;
  readonly parse: Parser<T>;
}

const integer =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    if (!/^\d+$/.test(raw.trim())) throw new Error(`"${raw}" is not a whole number`);
    const value = Number(raw);
    if (value < min || value > max) throw new Error(`${value} is outside ${min}..${max}`);
    return value;
  };
const text: Parser<string> = (raw) => raw;
const optionalText: Parser<string | undefined> = (raw) => (raw === '' ? undefined : raw);
const boolean: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`"${raw}" is not true/false`);
};
const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if ((values as string[]).includes(raw)) return raw as T;
    throw new Error(`"${raw}" is not one of ${values.join(', ')}`);
  };
const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const origins: Parser<string[]> = (raw) =>
  list(raw).map((item) => {
    let origin: string;
    try {
      origin = new URL(item).origin;
    } catch {
      throw new Error(`"${item}" is not a URL`);
    }
    if (origin !== item.replace(/\/$/, ''))
      throw new Error(`"${item}" is not a bare origin like https://static.example`);
    return origin;
  });

/**
 * Which X-Forwarded-For entries to believe. `true` means one hop, never "all": behind a proxy that appends the
 * address it saw, the leftmost entries are whatever the client sent, and believing them would let anyone pick
 * the address that per-IP limits and visitor hashes see.
 */
export type ProxyTrust = false | number | string[];
const proxyTrust: Parser<ProxyTrust> = (raw) => {
  if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
  if (/^(true|yes|on)$/i.test(raw.trim())) return 1;
  if (/^\d+$/.test(raw.trim())) return integer(1, 100)(raw);
  const proxies = list(raw);
  for (const proxy of proxies) {
    const [address = '', bits] = proxy.split('/');
    if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      throw new Error(`"${proxy}" is not true/false, a hop count or a proxy address/CIDR`);
  }
  return proxies;
};

function option<T>(env: string, def: T, parse: Parser<T>, description: string): OptionSpec<T> {
  const flag = env.toLowerCase().replace(/_/g, '-');
  return { env, flag, default: def, parse, description };
}

/** Every setting. The README's config table and `readcount serve --help` are generated from this. */
export const OPTIONS = {
  port: option('PORT', 4000, integer(0, 65535), 'TCP port to listen on (0 picks a free one).'),
  host: option('HOST', '0.0.0.0', text, 'Address to listen on.'),
  postsDir: option('POSTS_DIR', './posts', text, 'Folder of markdown posts (watched for changes).'),
  dataDir: option('DATA_DIR', './data', text, 'Folder for readcount.db and the generated secret key.'),
  staticDir: option(
    'STATIC_DIR',
    './static',
    text,
    'Folder served at the site root (static/images/a.png is /images/a.png); app routes win over a file of the same path.',
  ),
  externalMedia: option(
    'EXTERNAL_MEDIA',
    true,
    boolean,
    "Let posts show images, video and audio from any https:// site (CSP img-src/media-src); false: only the site's own.",
  ),
  readAfterMs: option(
    'READ_AFTER_MS',
    10_000,
    integer(0, 3_600_000),
    'Visible time before a page view counts as a read.',
  ),
  secretKey: option(
    'SECRET_KEY',
    undefined,
    optionalText,
    'Key that signs page-view tokens (≥ 32 chars). Generated and kept in DATA_DIR when unset.',
  ),
  tokenMaxAgeMs: option('TOKEN_MAX_AGE_MS', 12 * 3_600_000, integer(1000), 'How long a page-view token stays valid.'),
  logLevel: option(
    'LOG_LEVEL',
    'info',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    'Log verbosity.',
  ),
  countMode: option(
    'COUNT_MODE',
    'unique-daily',
    oneOf('unique-daily', 'every-read'),
    'unique-daily: a visitor counts once per post per UTC day; every-read: every qualifying page view counts.',
  ),
  trustProxy: option(
    'TRUST_PROXY',
    false as ProxyTrust,
    proxyTrust,
    'Believe X-Forwarded-For from your own proxies: `true` (the nearest one), a number of proxy hops, or proxy addresses/CIDRs.',
  ),
  respectDnt: option('RESPECT_DNT', false, boolean, 'Do not count visitors who send DNT: 1 or Sec-GPC: 1.'),
  countBots: option(
    'COUNT_BOTS',
    false,
    boolean,
    'Count bots and automated browsers too (for tests; never in production).',
  ),
  allowedOrigins: option(
    'ALLOWED_ORIGINS',
    [] as string[],
    list,
    "Extra origins allowed to open the live socket (the server's own origin always is).",
  ),
  liveMaxFrameBytes: option(
    'LIVE_MAX_FRAME_BYTES',
    4096,
    integer(256, 1_048_576),
    'Largest websocket frame accepted; bigger closes with 1009.',
  ),
  liveMaxChannels: option('LIVE_MAX_CHANNELS', 100, integer(1, 10_000), 'Topics one socket may join at once.'),
  liveMaxMsgsPerSec: option(
    'LIVE_MAX_MSGS_PER_SEC',
    50,
    integer(1, 1_000_000),
    'Messages per second one socket may send.',
  ),
  liveMaxConnectionsPerIp: option(
    'LIVE_MAX_CONNECTIONS_PER_IP',
    256,
    integer(1, 10_000_000),
    'Live sockets one IP may hold (offices and carriers share IPs).',
  ),
  liveMaxBufferedBytes: option(
    'LIVE_MAX_BUFFERED_BYTES',
    1_048_576,
    integer(4096),
    'Bytes waiting to be sent to one socket before it is closed as a slow consumer (4507).',
  ),
  liveIdleTimeoutMs: option(
    'LIVE_IDLE_TIMEOUT_MS',
    60_000,
    integer(1000),
    'A socket that sends nothing (not even a heartbeat) for this long is closed.',
  ),
  httpRateLimit: option(
    'HTTP_RATE_LIMIT',
    600,
    integer(0),
    'HTTP requests per minute per IP (pages, APIs, live upgrades; /assets/, STATIC_DIR and page-bundle files are not counted); 0 turns the limit off.',
  ),
  pushViewersPerInterval: option(
    'PUSH_VIEWERS_PER_INTERVAL',
    5000,
    integer(1),
    'A post with more live viewers than this waits one PUSH_INTERVAL_MS per such group between count pushes (10,000 viewers: one push per 200 ms), so fan-out cannot starve the server.',
  ),
  commitDelayMs: option(
    'COMMIT_DELAY_MS',
    5,
    integer(0, 1000),
    'Reads wait up to this long after the previous commit so more of them share one fsync (group commit); adds at most this much to a count push.',
  ),
  fanoutSlice: option(
    'FANOUT_SLICE',
    250,
    integer(1, 1_000_000),
    'A push to a post with more live viewers than this is sent in slices of this many sockets, one per event-loop turn, so heartbeats, pages and reads are answered in between.',
  ),
  pushIntervalMs: option(
    'PUSH_INTERVAL_MS',
    100,
    integer(0, 10_000),
    'Count pushes per post are coalesced to at most one per interval (always ending on the exact value).',
  ),
  embedOrigins: option(
    'EMBED_ORIGINS',
    [] as string[],
    origins,
    'Origins (https://static.example) whose pages may embed the counter: CORS on /api, and the live socket.',
  ),
  sites: option(
    'SITES',
    [] as string[],
    list,
    'External pages that may be counted: `slug=https://site/path` entries, or a .json file of [{slug, url, title}].',
  ),
  statsToken: option(
    'STATS_TOKEN',
    undefined,
    optionalText,
    'When set, /stats needs `?token=` or `Authorization: Bearer` with this value.',
  ),
  metricsToken: option(
    'METRICS_TOKEN',
    undefined,
    optionalText,
    'When set, /metrics needs `Authorization: Bearer` with this value.',
  ),
  redisUrl: option(
    'REDIS_URL',
    undefined,
    optionalText,
    'redis://host:port: run several instances sharing counts, live updates and "reading now" through Redis. Unset: one instance on SQLite.',
  ),
  redisCommandTimeoutMs: option(
    'REDIS_COMMAND_TIMEOUT_MS',
    2000,
    integer(50, 60_000),
    'How long a Redis command may take before it fails (reads stay buffered, claims fall back to memory), so a Redis host that vanished without a reset cannot stall page views or shutdown.',
  ),
  redisPrefix: option(
    'REDIS_PREFIX',
    'readcount:',
    text,
    'Prefix of every Redis key and of the pubsub channel, so several blogs can share one Redis.',
  ),
  presenceTimeoutMs: option(
    'PRESENCE_TIMEOUT_MS',
    30_000,
    integer(200, 3_600_000),
    'An instance not heard from for this long no longer counts towards "reading now" (it died).',
  ),
  pendingReadsMax: option(
    'PENDING_READS_MAX',
    100_000,
    integer(1, 100_000_000),
    'Reads kept while the store (Redis) is unreachable; past this the oldest are dropped, logged and counted.',
  ),
} as const;

export type OptionName = keyof typeof OPTIONS;
export type Config = { -readonly [K in OptionName]: (typeof OPTIONS)[K]['default'] };

/** Reads settings from flags first, then the environment, then defaults; throws ConfigError naming the setting. */
export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  flags: Record<string, string | undefined> = {},
): Config {
  const config = {} as Record<string, unknown>;
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec<unknown>][]) {
    const raw = flags[name] ?? env[spec.env];
    if (raw === undefined) {
      config[name] = spec.default;
      continue;
    }
    try {
      config[name] = spec.parse(raw);
    } catch (error) {
      throw new ConfigError(spec.env, (error as Error).message);
    }
  }
  const result = config as Config;
  if (result.secretKey !== undefined && result.secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters');
  }
  return result;
}
