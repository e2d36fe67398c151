// Builds the Fastify app (pages, feed, assets, JSON, live socket); server.ts is what listens.

import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { WebSocket } from 'ws';
import type { Config } from '../config.js';
import type { Receipts } from '../counting/receipts.js';
import { HTTP_ERRORS } from '../errors.js';
import type { LiveServer } from '../live/live-server.js';
import type { TokenSigner } from '../live/token.js';
import type { PostLibrary } from '../posts/library.js';
import type { Post } from '../posts/post.js';
import { CODE_THEME_CSS, type PostRenderer } from '../posts/render.js';
import type { ReadCounter } from '../store/read-counter.js';
import { registerFeed } from './feed.js';
import { SplicedPages } from './page-splice.js';
import type { DashboardDeps } from './routes/deps.js';
import { registerDashboard } from './routes/index.js';
import { addSecurityHeaders } from './security-headers.js';
import { engagementReceiptSection } from './views/engagement-receipt.js';
import { raw } from './views/html.js';
import { howWeCountPage, indexPage, layout, notFoundPage, postPage } from './views/pages.js';
import { receiptLinks, receiptSection } from './views/receipt.js';

export interface AppDeps extends Pick<DashboardDeps, 'store' | 'telemetry' | 'sites' | 'reading' | 'engagement'> {
  readonly config: Config;
  readonly library: PostLibrary;
  /** Resolves once the highlighter is warm; only post pages wait for it. */
  readonly renderer: Promise<PostRenderer>;
  readonly counter: ReadCounter;
  readonly live: LiveServer;
  readonly signer: TokenSigner;
  readonly receipts: Receipts;
  readonly health: () => { status: 'ok' | 'degraded'; [detail: string]: unknown };
  readonly logger?: FastifyServerOptions['logger'];
}

const CLIENT_DIR = fileURLToPath(new URL('../../src/web/client/', import.meta.url));
const PHOENIX_FILE = fileURLToPath(import.meta.resolve('phoenix'));
const ASSET_CACHE = 'public, max-age=3600';
const SITE_TITLE = 'readcount';

/** Logs carry method, path and status only: no IP, no user agent, no query string (it holds tokens). */
const privacySerializers = {
  req: (request: { method: string; url: string }) => ({ method: request.method, path: request.url.split('?')[0] }),
  res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
};

const trustHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

const LIVE_PATH = '/live/websocket';
const isLiveUpgrade = (request: { url: string; headers: { upgrade?: string } }): boolean =>
  request.headers.upgrade?.toLowerCase() === 'websocket' &&
  (request.url === LIVE_PATH || request.url.startsWith(`${LIVE_PATH}?`));

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, library, renderer, counter, live, signer } = deps;
  const logger = deps.logger ?? false;
  const app = Fastify({
    logger:
      logger === false
        ? false
        : { level: config.logLevel, serializers: privacySerializers, ...(typeof logger === 'object' ? logger : {}) },
    // A hop count as proxy-addr's own numeric trust (Fastify's types only name the function form).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 64 * 1024,
    // Per-request lines only when debugging: a busy blog's log should hold events, not traffic.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  });

  // Not on live upgrades: a websocket upgrade's 101 is written by ws, never from this response, so headers set for it would not leave the
  // process: skipping them was ~3 % of CPU in bench scenario 4. A refused upgrade's JSON error goes to a WebSocket, which
  // shows no body to any page.
  addSecurityHeaders(
    app,
    {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // Shiki colours code through CSS variables in style attributes; no inline <style> or <script>.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'self'"],
          // Helmet's default would turn ws:// and http:// into wss:// and https://, breaking plain-HTTP installs (LAN, dev);
          // every URL we emit is relative, so behind TLS it adds nothing.
          upgradeInsecureRequests: null,
        },
      },
    },
    isLiveUpgrade,
  );
  if (config.httpRateLimit > 0) {
    await app.register(fastifyRateLimit, {
      max: config.httpRateLimit,
      timeWindow: '1 minute',
      // Static assets do not spend a reader's budget: a page load pulls several, browsers cache them for an hour,
      // and serving them is cheaper than a 429 would be. Pages, APIs and live upgrades still count.
      allowList: (request) => request.url.startsWith('/assets/'),
      // Thrown to the error handler below, which answers {"error":"rate_limited"} (the code in src/errors.ts).
      errorResponseBuilder: (_request, context) => ({ statusCode: context.statusCode, message: 'rate_limited' }),
    });
  }
  const onLiveSocketError = (error: Error, socket: WebSocket, log: FastifyBaseLogger) => {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('WS_ERR_') || code === 'ECONNRESET' || code === 'EPIPE')
      return log.debug({ code }, 'live socket protocol error');
    log.error({ err: error }, 'live socket failed');
    socket.terminate();
  };
  await app.register(fastifyWebsocket, {
    // No client tracking: LiveServer tracks and closes its sockets itself (before app.close), and ws's own set would
    // cost each idle viewer a set entry and a second 'close' listener.
    options: { maxPayload: config.liveMaxFrameBytes, clientTracking: false },
    // A client's bad frame (too big, bad UTF-8, reset) is its fault, not ours: ws already closed with the
    // documented code; logging each at error level with a stack would let anyone flood the log.
    errorHandler: (error, socket, request) => onLiveSocketError(error, socket, request.log),
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    void reply.code(status).send({ error: status === 500 ? 'internal' : error.message });
  });

  const page = (title: string, body: Parameters<typeof layout>[1], extra: Partial<Parameters<typeof layout>[0]> = {}) =>
    layout({ title, siteTitle: SITE_TITLE, ...extra }, body);

  app.setNotFoundHandler((_request, reply) => {
    void reply
      .code(HTTP_ERRORS.not_found.status)
      .type('text/html; charset=utf-8')
      .send(page('Not found', notFoundPage()));
  });

  app.get('/', (_request, reply) => {
    const body = indexPage(library.list(), counter.counts());
    void reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page(SITE_TITLE, body, { token: signer.issue('index'), live: 'index' }));
  });

  const postPages = new SplicedPages<Post>();
  // Once the highlighter is warm, post pages are answered synchronously: no promise per request.
  let warm: PostRenderer | undefined;
  renderer.then(
    (ready) => (warm = ready),
    () => undefined,
  );
  const sendPost = (post: Post, count: number, ready: PostRenderer, reply: FastifyReply) => {
    // The page is built once per post version; each request only splices in its token and the committed count.
    const html = postPages.page(post, signer.issue(`post:${post.slug}`), count, (token, shown) =>
      page(post.title, postPage(post, ready.render(post), shown), {
        description: post.description,
        token,
        live: `post:${post.slug}`,
        readAfterMs: config.readAfterMs,
      }),
    );
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  };
  app.get<{ Params: { slug: string } }>('/post/:slug', (request, reply) => {
    const post = library.get(request.params.slug);
    const count = post && counter.count(post.slug);
    if (!post || count === undefined) return reply.callNotFound();
    if (warm) return sendPost(post, count, warm, reply);
    return renderer.then((ready) => sendPost(post, counter.count(post.slug) ?? count, ready, reply));
  });

  app.get<{ Querystring: { post?: unknown } }>('/how-we-count', (request, reply) => {
    const post = typeof request.query.post === 'string' ? library.get(request.query.post) : undefined;
    const receipt = post
      ? receiptSection(post, {
          ...deps.receipts.get(post.slug),
          total: counter.count(post.slug) ?? 0,
          since: deps.receipts.since,
        })
      : receiptLinks(library.list());
    const engaged =
      post && deps.engagement ? engagementReceiptSection(deps.engagement.receipts.get(post.slug)).value : '';
    const body = raw(howWeCountPage(config.readAfterMs, config.countMode).value + receipt.value + engaged);
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page('How we count', body));
  });

  app.get<{ Params: { slug: string } }>('/api/posts/:slug/receipt', (request, reply) => {
    const post = library.get(request.params.slug);
    if (!post) return reply.code(404).send({ error: 'not_found' });
    return {
      slug: post.slug,
      total: counter.count(post.slug) ?? 0,
      since: deps.receipts.since.toISOString(),
      countMode: config.countMode,
      ...deps.receipts.get(post.slug),
      ...(deps.engagement ? { engagement: deps.engagement.receipts.get(post.slug) } : {}),
    };
  });

  app.get('/healthz', (_request, reply) => {
    const health = deps.health();
    void reply.code(200).header('cache-control', 'no-store').send(health);
  });

  registerFeed(app, library, SITE_TITLE);
  await registerDashboard(app, deps, SITE_TITLE);

  await app.register(fastifyStatic, {
    root: CLIENT_DIR,
    prefix: '/assets/',
    cacheControl: false,
    decorateReply: false,
    setHeaders: (res) => res.setHeader('cache-control', ASSET_CACHE),
  });
  app.get('/assets/phoenix.mjs', (_request, reply) => {
    void reply.header('cache-control', ASSET_CACHE).type('text/javascript; charset=utf-8').send(phoenixSource);
  });
  app.get('/assets/code.css', (_request, reply) => {
    void reply.header('cache-control', ASSET_CACHE).type('text/css; charset=utf-8').send(CODE_THEME_CSS);
  });

  app.register(async (scope) => {
    // Callback style: the check is synchronous, so an upgrade needn't wait a promise tick here.
    scope.addHook('preValidation', (request, reply, done) => {
      const check = live.checkUpgrade(
        { headers: request.headers, query: request.query, ip: request.ip },
        request.raw.socket,
      );
      if (!check.ok) {
        const { status, message } = HTTP_ERRORS[check.code];
        void reply.code(status).send({ error: check.code, message });
        return;
      }
      (request as { pageView?: unknown }).pageView = check.pageView;
      (request as { upgradeResponse?: ServerResponse }).upgradeResponse = reply.raw;
      done();
    });
    // One listener function for every live socket (ws calls it with the socket as `this`): a closure per socket
    // would be held for the socket's whole life.
    function onEstablishedSocketError(this: WebSocket, error: Error): void {
      onLiveSocketError(error, this, app.log);
    }
    scope.get(LIVE_PATH, { websocket: true }, (socket, request) => {
      const pageView = (request as unknown as { pageView: Parameters<LiveServer['accept']>[2] }).pageView;
      // The plugin's own per-socket error listener closes over this request and its reply (logger, response headers)
      // for the socket's whole life, several KB per idle viewer (bench scenario 1); this one holds nothing per socket.
      socket.removeAllListeners('error');
      socket.on('error', onEstablishedSocketError);
      // Likewise the TCP socket still points at the upgrade's unused HTTP response (and through it the request).
      const upgraded = request as { upgradeResponse?: ServerResponse };
      upgraded.upgradeResponse?.detachSocket(request.raw.socket);
      delete upgraded.upgradeResponse;
      live.accept(
        socket,
        { headers: request.headers, query: request.query, ip: request.ip },
        pageView,
        request.raw.socket,
      );
    });
  });

  return app;
}

const phoenixSource = await import('node:fs/promises').then((fs) => fs.readFile(PHOENIX_FILE, 'utf8'));
