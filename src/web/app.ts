// The bare Fastify server (logging, proxies, timeouts), and `webServer`: headers, rate limit, errors, then the routes.

import fastifyCompress from '@fastify/compress';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { networkOf } from '../network-of.js';
import { clientIp } from './client-ip.js';
import { httpServerOptions, limitConnections, trustedPeer } from './connection-limit.js';
import { sendError } from './http-errors.js';
import { logStream } from './log-stream.js';
import { apiRoutes } from './routes/api.js';
import { archiveRoutes } from './routes/archive.js';
import { assetsRoutes } from './routes/assets.js';
import type { WebDeps } from './routes/deps.js';
import { embedRoutes } from './routes/embed.js';
import { feedsRoutes } from './routes/feeds.js';
import { healthRoutes } from './routes/health.js';
import { isLiveUpgrade, liveRoutes, longPollRoutes } from './routes/live.js';
import { metricsRoutes } from './routes/metrics.js';
import { notFoundHandler, pagesRoutes } from './routes/pages.js';
import { postsRoutes } from './routes/posts.js';
import { previewRoutes } from './routes/preview.js';
import { redirectRoutes } from './routes/redirects.js';
import { renderAssetsRoutes } from './routes/render-assets.js';
import { robotsRoutes } from './routes/robots.js';
import { searchRoutes } from './routes/search.js';
import { siteRootRoutes } from './routes/site-root.js';
import { statsRoutes } from './routes/stats.js';
import { tagsRoutes } from './routes/tags.js';
import { viewEndRoutes } from './routes/view-end.js';
import { addSecurityHeaders, contentSecurityPolicy } from './security-headers.js';
import { isFileRequest } from './static-files.js';

/** Logs carry method, path and status only: no IP, no user agent, no query string (it holds tokens). */
const privacySerializers = {
  req: (request: { method: string; url: string }) => ({ method: request.method, path: request.url.split('?')[0] }),
  res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
};

/** Only `serve` (logger: true) honours LOG_FORMAT; tests passing their own logger options keep them. */
function prettyStream(config: Pick<Config, 'logFormat'>): { stream?: NodeJS.WritableStream } {
  const stream = logStream(config.logFormat);
  return stream ? { stream } : {};
}

const trustHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

type ServerConfig = Pick<
  Config,
  'logFormat' | 'logLevel' | 'trustProxy' | 'httpKeepAliveTimeoutMs' | 'httpRequestTimeoutMs' | 'httpHeadersTimeoutMs'
>;

/** The bare server (logging, proxies, timeouts); the composition root registers its plugins on it. */
export function createFastify(config: ServerConfig, logger: FastifyServerOptions['logger'] = false): FastifyInstance {
  return Fastify({
    logger:
      logger === false
        ? false
        : {
            level: config.logLevel,
            serializers: privacySerializers,
            ...(logger === true ? prettyStream(config) : {}),
            ...(typeof logger === 'object' ? logger : {}),
          },
    // A hop count as proxy-addr's own numeric trust (Fastify's types only name the function form).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 64 * 1024,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    http: httpServerOptions(config),
    // Per-request lines only when debugging: a busy blog's log should hold events, not traffic.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  });
}

/** Server-wide parts (headers, rate limit, errors, compression), then the route plugins; at the root, not encapsulated. */
async function webServerParts(app: FastifyInstance, { deps }: { deps: WebDeps }): Promise<void> {
  limitConnections(app.server, deps.config.httpMaxConnectionsPerIp, trustedPeer(deps.config.trustProxy));
  // Not on live upgrades: their 101 is written by ws, never from this response, so the headers would be work for
  // nothing; a refused upgrade's JSON error goes to a WebSocket, which shows no body to any page.
  addSecurityHeaders(app, { contentSecurityPolicy: contentSecurityPolicy(deps.config) }, isLiveUpgrade);
  if (deps.config.httpRateLimit > 0 || deps.config.longPollRateLimit > 0) {
    await app.register(fastifyRateLimit, {
      // Off (0), the plugin still serves the LongPoll routes' own allowance (LONG_POLL_RATE_LIMIT, set on those routes).
      global: deps.config.httpRateLimit > 0,
      max: deps.config.httpRateLimit,
      timeWindow: '1 minute',
      // Static assets, STATIC_DIR and page-bundle files (a post's images) do not spend a reader's budget: a page load
      // pulls several, browsers cache them for an hour, and serving them is cheaper than a 429 would be. Pages, APIs
      // and live upgrades still count.
      allowList: (request) => request.url.startsWith('/_readcount/') || isFileRequest(request),
      // One budget per network: IPv6 by /64, which one host can fill with addresses of its own choosing.
      keyGenerator: (request) => networkOf(clientIp(request)),
      // Thrown to the error handler below, which answers {"error":"rate_limited"} (the code in src/errors.ts).
      errorResponseBuilder: (_request, context) => ({ statusCode: context.statusCode, message: 'rate_limited' }),
    });
  }
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'request failed');
      return sendError(reply, 'internal');
    }
    // Fastify's own 4xx (a body too large, a malformed one) and the rate limit, each as its code in src/errors.ts.
    if (error.message === 'rate_limited') return sendError(reply, 'rate_limited');
    if (status === 413) return sendError(reply, 'payload_too_large');
    return sendError(reply, 'bad_request', { message: error.message });
  });
  app.setNotFoundHandler(notFoundHandler(deps));
  if (deps.config.compression) {
    // Per-request compression for what is built per request (index, tags, JSON, assets); post pages and feeds arrive
    // already compressed (their bytes kept with the rendered page), which the plugin leaves alone. Request bodies
    // are never inflated: nothing readcount accepts needs it.
    await app.register(fastifyCompress, { encodings: ['br', 'gzip'], globalDecompression: false, threshold: 1024 });
  }

  const options = { deps };
  await app.register(redirectRoutes, options);
  await app.register(pagesRoutes, options);
  await app.register(postsRoutes, options);
  await app.register(feedsRoutes, options);
  await app.register(statsRoutes, options);
  await app.register(apiRoutes, options);
  await app.register(viewEndRoutes, options);
  await app.register(liveRoutes, options);
  await app.register(longPollRoutes, options);
  await app.register(embedRoutes, options);
  await app.register(assetsRoutes);
  await app.register(renderAssetsRoutes, options);
  await app.register(metricsRoutes, options);
  await app.register(healthRoutes, options);
  await app.register(tagsRoutes, options);
  await app.register(archiveRoutes, options);
  await app.register(searchRoutes, options);
  await app.register(previewRoutes, options);
  await app.register(robotsRoutes, options);
  await app.register(siteRootRoutes, options);
}

export const webServer = fp(webServerParts, { name: 'readcount-web-server', fastify: '5.x' });
