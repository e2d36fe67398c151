// What the web plugins need from the composition root (WebDeps), and the bearer-token check they share.
import type { Config } from '../../config.js';
import type { ReadCounter } from '../../counting/read-counter.js';
import type { Receipts } from '../../counting/receipts.js';
import type { Viewer } from '../../counting/viewer.js';
import type { Engagement } from '../../engagement/engagement.js';
import type { ResponsiveImages } from '../../images/responsive.js';
import type { LiveServer, LongPollServer, TokenSigner } from '../../live/index.js';
import type { PostLibrary } from '../../posts/library.js';
import type { PostRenderer } from '../../posts/render.js';
import type { SummarySources } from '../../stats/summary.js';
import type { CounterStore } from '../../store/store.js';
import type { Telemetry } from '../../telemetry/telemetry.js';
import type { PreviewKeys } from '../preview-keys.js';
import type { Site } from '../site.js';

interface DashboardDeps extends SummarySources {
  readonly config: Config;
  readonly signer: TokenSigner;
  readonly telemetry: Telemetry;
  readonly counter: ReadCounter;
  readonly store: CounterStore;
  /** Views, sources and end-of-view reports; absent in apps built without the live layer (some tests). */
  readonly engagement?: Engagement;
}

export interface WebDeps extends DashboardDeps {
  readonly library: PostLibrary;
  readonly site: Site;
  /** Resolves once the highlighter is warm; only post pages wait for it. */
  readonly renderer: Promise<PostRenderer>;
  readonly live: LiveServer<Viewer, 'invalid_token'>;
  /** Phoenix's LongPoll transport at /live/longpoll, for readers whose network refuses websockets. */
  readonly longPoll?: Pick<LongPollServer, 'handle'>;
  readonly receipts: Receipts;
  /** Local images' sizes and WebP variants (/_readcount/img/); absent, that route answers 404. */
  readonly images?: ResponsiveImages;
  readonly health: () => { status: 'ok' | 'degraded'; [detail: string]: unknown };
  /** Secret preview links for drafts and scheduled posts (`/preview/<key>`); absent, there are none. */
  readonly previewKeys?: PreviewKeys;
}

/** Every web plugin is registered with `{ deps }`. */
export interface WebPluginOptions {
  readonly deps: WebDeps;
}

/** Constant-time-enough check of `Authorization: Bearer <token>` (or `?token=` when allowed); true when no token is set. */
export function authorized(
  expected: string | undefined,
  headers: Record<string, unknown>,
  queryToken?: unknown,
): boolean {
  if (expected === undefined) return true;
  const header = headers.authorization;
  const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : queryToken;
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < given.length; i += 1) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
