// Settings: one table of every option (env var, `serve` flag, site-file key, default, check, group), read once at start.
import { dirname, resolve } from 'node:path';
import { readSiteFile, siteFileValue } from './config-file.js';
import {
  baseUrl,
  boolean,
  integer,
  language,
  list,
  type NavLink,
  nav,
  navValue,
  oneOf,
  optionalText,
  origins,
  type Parser,
  type ProxyTrust,
  processCount,
  proxyTrust,
  text,
} from './config-parsers.js';
import { ConfigError } from './errors.js';
import { labels, labelsValue } from './i18n/labels-option.js';
import { permalinkPatterns, permalinkPatternsValue } from './posts/permalinks.js';

export type { NavLink, ProxyTrust };

/** How the docs group settings; only `tuning` is left out of the README's main table. */
export const GROUPS = {
  site: 'Site',
  server: 'Server',
  content: 'Content and embeds',
  counting: 'Counting',
  limits: 'Live and HTTP limits',
  scale: 'Scale-out (Redis)',
  tuning: 'Tuning (benchmarks)',
} as const;
export type Group = keyof typeof GROUPS;

export interface OptionSpec<T> {
  readonly env: string;
  readonly flag: string;
  /** The key in readcount.yml: the env var in lower snake case. */
  readonly key: string;
  readonly group: Group;
  readonly description: string;
  readonly default: T;
  readonly parse: Parser<T>;
  /** For values a YAML file holds as structures (lists of objects); scalars go through `parse`. */
  readonly parseValue?: (value: unknown) => T;
  /** Old env var names still read (merged into this setting) with a warning. */
  readonly deprecatedEnv?: string;
}

function option<T>(
  group: Group,
  env: string,
  def: T,
  parse: Parser<T>,
  description: string,
  extra: Pick<OptionSpec<T>, 'parseValue' | 'deprecatedEnv'> = {},
): OptionSpec<T> {
  const flag = env.toLowerCase().replace(/_/g, '-');
  return { env, flag, key: env.toLowerCase(), group, default: def, parse, description, ...extra };
}

/** Every setting. The README's config table and `readcount serve --help` are generated from this. */
export const OPTIONS = {
  siteTitle: option(
    'site',
    'SITE_TITLE',
    'readcount',
    text,
    "The blog's name: header, page titles, feeds, sitemap and OpenGraph.",
  ),
  siteDescription: option(
    'site',
    'SITE_DESCRIPTION',
    undefined,
    optionalText,
    "One sentence about the blog: the index page's description and the feeds' subtitle.",
  ),
  siteAuthor: option('site', 'SITE_AUTHOR', undefined, optionalText, 'Author named in feeds and page metadata.'),
  siteLanguage: option(
    'site',
    'SITE_LANGUAGE',
    'en',
    language,
    'Language of the blog: `<html lang>`, feeds, the built-in labels (en, de, fr, es, pt, it, nl; others fall back to English) and dates.',
  ),
  labels: option(
    'site',
    'LABELS',
    {} as Record<string, string>,
    labels,
    'Built-in words replaced: a map of label name to text, e.g. `reader_one: subscriber` (JSON in the env var; docs/blog-features.md lists them).',
    { parseValue: labelsValue },
  ),
  pageSize: option(
    'site',
    'PAGE_SIZE',
    20,
    integer(1, 1000),
    'Posts per page on the index and tag pages (`/page/2/`).',
  ),
  feedSize: option(
    'site',
    'FEED_SIZE',
    20,
    integer(1, 200),
    "Newest posts each feed (/feed.xml, /rss.xml, /feed.json, a tag's feed) carries, each whole.",
  ),
  siteUrl: option(
    'site',
    'SITE_URL',
    undefined as string | undefined,
    baseUrl,
    'Canonical base URL (https://blog.example): the only source of absolute URLs in feeds, sitemap, OpenGraph and embed snippets. Unset: taken from each request (not publicly cacheable); set it in production.',
  ),
  nav: option('site', 'NAV', [] as NavLink[], nav, 'Header links: a list of {title, url} (JSON in the env var).', {
    parseValue: navValue,
  }),
  footer: option('site', 'FOOTER', undefined, optionalText, 'Footer text in markdown (links allowed, raw HTML not).'),
  favicon: option(
    'site',
    'FAVICON',
    undefined,
    optionalText,
    "The site's icon as a path or URL (/favicon.png). Unset: static/favicon.svg, .png or .ico when there is one, else readcount's.",
  ),
  permalinks: option(
    'content',
    'PERMALINKS',
    [] as string[],
    permalinkPatterns,
    "Old URL patterns that 301 to each post, in Hugo's or Jekyll's syntax (/posts/:slug/, /:year/:month/:day/:title.html); a list.",
    { parseValue: permalinkPatternsValue },
  ),
  searchQueryMax: option(
    'limits',
    'SEARCH_QUERY_MAX',
    200,
    integer(1, 2000),
    'Longest search query in characters (`/search?q=`); longer ones are cut at this length.',
  ),
  searchResultsMax: option(
    'limits',
    'SEARCH_RESULTS_MAX',
    50,
    integer(1, 1000),
    'Most results one search shows, best first.',
  ),
  searchTermsMax: option(
    'limits',
    'SEARCH_TERMS_MAX',
    4,
    integer(1, 32),
    'Distinct words of a search that are looked up (each is a walk through the index); further words are ignored.',
  ),
  searchRankedMax: option(
    'limits',
    'SEARCH_RANKED_MAX',
    1000,
    integer(1, 1_000_000),
    'Matching posts a search ranks, the most recently added first: a query of common words ranks these, not every post.',
  ),
  archivePageMax: option(
    'limits',
    'ARCHIVE_PAGE_MAX',
    1000,
    integer(1, 100_000),
    'Posts `/archive` lists on one page; a blog with more gets a page per year (`/archive/2024/`, paged as `/archive/2024/page/2/` past this many) and `/archive` lists the years.',
  ),
  externalMedia: option(
    'site',
    'EXTERNAL_MEDIA',
    true,
    boolean,
    "Let posts show images, video and audio from any https:// site (CSP img-src/media-src); false: only the site's own.",
  ),

  imageVariants: option(
    'content',
    'IMAGE_VARIANTS',
    true,
    boolean,
    'Make resized WebP copies (srcset) of local raster images wider than the column, kept in DATA_DIR/images; false: only width/height.',
  ),
  imageMaxPixels: option(
    'limits',
    'IMAGE_MAX_PIXELS',
    40_000_000,
    integer(1, 1_000_000_000),
    'Local images with more pixels than this get no resized variants (decoding one takes memory in proportion).',
  ),
  imageResizeConcurrency: option(
    'limits',
    'IMAGE_RESIZE_CONCURRENCY',
    1,
    integer(1, 64),
    'Image variants made at once; other requests for new variants wait their turn.',
  ),
  port: option('server', 'PORT', 4000, integer(0, 65535), 'TCP port to listen on (0 picks a free one).'),
  host: option('server', 'HOST', '0.0.0.0', text, 'Address to listen on.'),
  workers: option(
    'server',
    'WORKERS',
    1,
    processCount(256),
    'Processes serving the port together (`auto`: one per core): counts, "reading now", ghosts and live pushes stay exact across them (docs/scaling.md).',
  ),
  workerRestartsMax: option(
    'server',
    'WORKER_RESTARTS_MAX',
    5,
    integer(0, 1000),
    'With WORKERS > 1, a worker that dies is restarted at most this many times a minute; past that the server stops (exit 1).',
  ),
  postsDir: option('content', 'POSTS_DIR', './posts', text, 'Folder of markdown posts (watched for changes).'),
  staticDir: option(
    'content',
    'STATIC_DIR',
    './static',
    text,
    'Folder served at the site root (static/images/a.png is /images/a.png); app routes win over a file of the same path.',
  ),
  dataDir: option('server', 'DATA_DIR', './data', text, 'Folder for readcount.db and the generated secret key.'),
  readAfterMs: option(
    'counting',
    'READ_AFTER_MS',
    10_000,
    integer(0, 3_600_000),
    'Visible time before a page view counts as a read.',
  ),
  secretKey: option(
    'server',
    'SECRET_KEY',
    undefined,
    optionalText,
    'Key that signs page-view tokens (≥ 32 chars). Generated and kept in DATA_DIR when unset.',
  ),
  tokenMaxAgeMs: option(
    'counting',
    'TOKEN_MAX_AGE_MS',
    12 * 3_600_000,
    integer(1000),
    'How long a page-view token stays valid.',
  ),
  logLevel: option(
    'server',
    'LOG_LEVEL',
    'info',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    'Log verbosity.',
  ),
  logFormat: option(
    'server',
    'LOG_FORMAT',
    'auto',
    oneOf('auto', 'json', 'pretty'),
    'Log lines: pretty (readable, local times) or json (one object a line, for collectors); auto is pretty on a terminal, json otherwise.',
  ),
  countMode: option(
    'counting',
    'COUNT_MODE',
    'unique-daily',
    oneOf('unique-daily', 'every-read'),
    'unique-daily: a visitor counts once per post per UTC day; every-read: every qualifying page view counts.',
  ),
  trustProxy: option(
    'server',
    'TRUST_PROXY',
    false as ProxyTrust,
    proxyTrust,
    'Believe X-Forwarded-For from your own proxies: `true` (the nearest one), a number of proxy hops, or proxy addresses/CIDRs.',
  ),
  respectDnt: option('counting', 'RESPECT_DNT', false, boolean, 'Do not count visitors who send DNT: 1 or Sec-GPC: 1.'),
  ghosts: option(
    'content',
    'GHOSTS',
    true,
    boolean,
    'Reader ghosts: each reader of a post sees where the other readers are, as anonymous markers in the margin. `off`: nothing sent, nothing shown.',
  ),
  liveMaxFrameBytes: option(
    'limits',
    'LIVE_MAX_FRAME_BYTES',
    4096,
    integer(256, 1_048_576),
    'Largest websocket frame accepted; bigger closes with 1009.',
  ),
  liveMaxChannels: option(
    'limits',
    'LIVE_MAX_CHANNELS',
    100,
    integer(1, 10_000),
    'Topics one socket may join at once.',
  ),
  liveMaxMsgsPerSec: option(
    'limits',
    'LIVE_MAX_MSGS_PER_SEC',
    50,
    integer(1, 1_000_000),
    'Messages per second one socket may send.',
  ),
  liveMaxConnectionsPerIp: option(
    'limits',
    'LIVE_MAX_CONNECTIONS_PER_IP',
    256,
    integer(1, 10_000_000),
    'Live sockets one IP may hold (offices and carriers share IPs).',
  ),
  liveMaxBufferedBytes: option(
    'limits',
    'LIVE_MAX_BUFFERED_BYTES',
    1_048_576,
    integer(4096),
    'Bytes waiting to be sent to one socket before it is closed as a slow consumer (4507).',
  ),
  liveIdleTimeoutMs: option(
    'limits',
    'LIVE_IDLE_TIMEOUT_MS',
    60_000,
    integer(1000),
    'A socket that sends nothing (not even a heartbeat) for this long is closed.',
  ),
  httpRateLimit: option(
    'limits',
    'HTTP_RATE_LIMIT',
    600,
    integer(0),
    'HTTP requests per minute per IP (pages, APIs, live upgrades; /_readcount/, STATIC_DIR and page-bundle files are not counted); 0 turns the limit off.',
  ),
  longPollRateLimit: option(
    'limits',
    'LONG_POLL_RATE_LIMIT',
    1200,
    integer(0),
    'LongPoll requests (session opens, polls, sends) per minute per IP, a budget apart from HTTP_RATE_LIMIT: a session polls again after every push; 0 turns the limit off.',
  ),
  maxReadsPerNetwork: option(
    'counting',
    'MAX_READS_PER_NETWORK',
    20,
    integer(0),
    'Reads one network (an IPv4 address or an IPv6 /64) may add to one post per UTC day (every-read: per hour): the allowance for an office or carrier NAT; 0 turns the cap off.',
  ),
  httpMaxConnectionsPerIp: option(
    'limits',
    'HTTP_MAX_CONNECTIONS_PER_IP',
    256,
    integer(0),
    'Open TCP connections (pages, APIs and live sockets alike) one TCP peer may hold, an IPv6 /64 counting as one; more are closed as they are accepted. Proxies named by TRUST_PROXY are exempt (a hop count exempts every peer); 0 turns the cap off.',
  ),
  httpHeadersTimeoutMs: option(
    'limits',
    'HTTP_HEADERS_TIMEOUT_MS',
    10_000,
    integer(1000, 600_000),
    "A connection that has not sent a request's full headers this long after it began is closed (408).",
  ),
  httpRequestTimeoutMs: option(
    'limits',
    'HTTP_REQUEST_TIMEOUT_MS',
    30_000,
    integer(1000, 3_600_000),
    'A request whose headers and body have not all arrived this long after it began is closed (408).',
  ),
  httpKeepAliveTimeoutMs: option(
    'limits',
    'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    5000,
    integer(100, 600_000),
    'An idle keep-alive connection is closed after this long without a new request.',
  ),
  pushViewersPerInterval: option(
    'tuning',
    'PUSH_VIEWERS_PER_INTERVAL',
    5000,
    integer(1),
    'A post with more live viewers than this waits one PUSH_INTERVAL_MS per such group between count pushes (10,000 viewers: one push per 200 ms), so fan-out cannot starve the server.',
  ),
  commitDelayMs: option(
    'tuning',
    'COMMIT_DELAY_MS',
    5,
    integer(0, 1000),
    'Reads wait up to this long after the previous commit so more of them share one fsync (group commit); adds at most this much to a count push.',
  ),
  fanoutSlice: option(
    'tuning',
    'FANOUT_SLICE',
    250,
    integer(1, 1_000_000),
    'A push to a post with more live viewers than this is sent in slices of this many sockets, one per event-loop turn, so heartbeats, pages and reads are answered in between.',
  ),
  pushIntervalMs: option(
    'tuning',
    'PUSH_INTERVAL_MS',
    100,
    integer(0, 10_000),
    'Count pushes per post are coalesced to at most one per interval (always ending on the exact value).',
  ),
  embedOrigins: option(
    'content',
    'EMBED_ORIGINS',
    [] as string[],
    origins,
    'Other origins (https://static.example) trusted to embed the counter: they may open the live socket, get embed tokens and read /api with CORS. The old name ALLOWED_ORIGINS still works (merged, with a warning).',
    { deprecatedEnv: 'ALLOWED_ORIGINS' },
  ),
  sites: option(
    'content',
    'SITES',
    [] as string[],
    list,
    'External pages that may be counted: `slug=https://site/path` entries, or a .json file of [{slug, url, title}].',
  ),
  statsToken: option(
    'server',
    'STATS_TOKEN',
    undefined,
    optionalText,
    "When set, /stats, /stats/<slug>, their charts, the per-day series of /api/posts/:slug?days=, /api/posts?days= and /api/posts/:slug/sources need `?token=` or `Authorization: Bearer` with this value (totals, today and the default 30 days' figures stay public).",
  ),
  importMaxDayCount: option(
    'limits',
    'IMPORT_MAX_DAY_COUNT',
    1_000_000_000_000,
    integer(0, 1_000_000_000_000),
    '`readcount import` refuses a file with a day (reads or views of one post) over this count.',
  ),
  importMaxTotal: option(
    'limits',
    'IMPORT_MAX_TOTAL',
    1_000_000_000_000_000,
    integer(0, 1_000_000_000_000_000),
    "`readcount import` refuses a file that would take a post's total over this (far below 2^53, so counting on stays exact).",
  ),
  metricsToken: option(
    'server',
    'METRICS_TOKEN',
    undefined,
    optionalText,
    'When set, /metrics needs `Authorization: Bearer` with this value.',
  ),
  redisUrl: option(
    'scale',
    'REDIS_URL',
    undefined,
    optionalText,
    'redis://host:port: run several instances sharing counts, live updates and "reading now" through Redis. Unset: one instance on SQLite.',
  ),
  redisCommandTimeoutMs: option(
    'scale',
    'REDIS_COMMAND_TIMEOUT_MS',
    2000,
    integer(50, 60_000),
    'How long a Redis command may take before it fails (reads stay buffered with their claims, views are not counted), so a Redis host that vanished without a reset cannot stall page views or shutdown.',
  ),
  redisPrefix: option(
    'scale',
    'REDIS_PREFIX',
    'readcount:',
    text,
    'Prefix of every Redis key and of the pubsub channel, so several blogs can share one Redis.',
  ),
  presenceTimeoutMs: option(
    'scale',
    'PRESENCE_TIMEOUT_MS',
    30_000,
    integer(200, 3_600_000),
    'An instance not heard from for this long no longer counts towards "reading now" (it died).',
  ),
  readReplyWaitMs: option(
    'scale',
    'READ_REPLY_WAIT_MS',
    5000,
    integer(100, 600_000),
    'A `reader` push is answered `ok` only once its read is committed; while the store fails, its reply waits this long, then says `retry_later` (the read stays buffered and may still count, at most once). Views and end-of-view reports wait as long for their commit, then are not counted (`unavailable`, `retry_later`).',
  ),
  shutdownGraceMs: option(
    'scale',
    'SHUTDOWN_GRACE_MS',
    5000,
    integer(0, 600_000),
    'On SIGTERM/SIGINT, reads the store refuses are retried this long; then the process exits 1 and logs how many (never acknowledged) reads were lost.',
  ),
  pendingReadsMax: option(
    'scale',
    'PENDING_READS_MAX',
    100_000,
    integer(1, 100_000_000),
    'Reads kept while the store (Redis) is unreachable; past this the oldest are dropped, logged and counted.',
  ),
  pageCacheMb: option(
    'server',
    'PAGE_CACHE_MB',
    64,
    integer(1, 65_536),
    'Memory for rendered pages (post HTML and its gzip bytes), least recently used dropped first; a dropped page is rendered again when next asked for.',
  ),
  statsPageRows: option(
    'server',
    'STATS_PAGE_ROWS',
    50,
    integer(1, 500),
    'Posts per page of the /stats table (the page, its queries and its size grow with this, not with the number of posts).',
  ),
  compression: option(
    'server',
    'COMPRESSION',
    true,
    boolean,
    'gzip and brotli for HTML, feeds, JSON, CSS and JS when the client accepts them; turn off when a proxy in front compresses.',
  ),
} as const;

export type OptionName = keyof typeof OPTIONS;
type OptionValues = { -readonly [K in OptionName]: (typeof OPTIONS)[K]['default'] };
export type Config = OptionValues & {
  /** The site file these settings were read from, if any. */
  configFile?: string;
  /** Deprecation warnings to log once at start. */
  notices?: readonly string[];
  /** Test hook (env READCOUNT_TEST_COUNT_BOTS): headless test browsers set navigator.webdriver. Never a setting. */
  countBots?: boolean;
};

/** The settings `serve` applies without a restart when the site file changes; any other change is logged as needing one. */
export const LIVE_SETTINGS: readonly OptionName[] = [
  'siteTitle',
  'siteDescription',
  'siteAuthor',
  'siteLanguage',
  'labels',
  'siteUrl',
  'nav',
  'footer',
  'favicon',
];

/**
 * Reads settings: flags first, then the environment, then the site file (readcount.yml, --config or
 * READCOUNT_CONFIG), then defaults. Throws ConfigError naming the setting (and the file, for file values).
 */
export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  flags: Record<string, string | undefined> = {},
): Config {
  // A Jekyll or Hugo blog's own site file sits beside its posts folder (or in the working folder).
  const postsDir = flags.postsDir ?? env.POSTS_DIR ?? OPTIONS.postsDir.default;
  const file = readSiteFile(flags.config ?? env.READCOUNT_CONFIG, OPTIONS, ['.', dirname(resolve(postsDir))]);
  const config = {} as Record<string, unknown>;
  const notices: string[] = [];
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec<unknown>][]) {
    const raw = flags[name] ?? env[spec.env];
    try {
      if (raw !== undefined) config[name] = spec.parse(raw);
      else if (file?.values.has(spec.key)) config[name] = siteFileValue(spec, file.values.get(spec.key));
      else config[name] = spec.default;
    } catch (error) {
      if (raw === undefined && file) throw new ConfigError(spec.key, `${(error as Error).message} (in ${file.path})`);
      throw new ConfigError(spec.env, (error as Error).message);
    }
    const old = spec.deprecatedEnv;
    if (old !== undefined && env[old] !== undefined) {
      try {
        config[name] = [...new Set([...(config[name] as string[]), ...(spec.parse(env[old] ?? '') as string[])])];
      } catch (error) {
        throw new ConfigError(old, (error as Error).message);
      }
      notices.push(`${old} is deprecated: use ${spec.env} (the two are merged for now)`);
    }
  }
  const result = config as Config;
  if (result.secretKey !== undefined && result.secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters');
  }
  if (file) result.configFile = file.path;
  if (notices.length > 0) result.notices = notices;
  if (env.READCOUNT_TEST_COUNT_BOTS !== undefined) result.countBots = boolean(env.READCOUNT_TEST_COUNT_BOTS);
  return result;
}
