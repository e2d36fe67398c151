// `/live/websocket`: the Phoenix-protocol socket; the upgrade is checked (origin, token, limits) before ws takes over.
import cluster from 'node:cluster';
import type { ServerResponse } from 'node:http';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Viewer } from '../../counting/viewer.js';
import { HTTP_ERRORS } from '../../errors.js';
import { WsTransport } from '../../live/index.js';
import { clientIp } from '../client-ip.js';
import { sendError } from '../http-errors.js';
import { registerLongPoll } from '../long-poll-route.js';
import type { WebPluginOptions } from './deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the upgrade's connect hook found on the socket (set by the upgrade check). */
    liveAssigns: Viewer | undefined;
    /** The upgrade's unused HTTP response, detached from the socket once ws owns it. */
    upgradeResponse: ServerResponse | undefined;
  }
}

const LIVE_PATH = '/live/websocket';

export const isLiveUpgrade = (request: { url: string; headers: { upgrade?: string } }): boolean =>
  request.headers.upgrade?.toLowerCase() === 'websocket' &&
  (request.url === LIVE_PATH || request.url.startsWith(`${LIVE_PATH}?`));

function onLiveSocketError(error: Error, socket: WebSocket, log: FastifyBaseLogger): void {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('WS_ERR_') || code === 'ECONNRESET' || code === 'EPIPE')
    return log.debug({ code }, 'live socket protocol error');
  log.error({ err: error }, 'live socket failed');
  socket.terminate();
}

export async function liveRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, live } = deps;
  await app.register(fastifyWebsocket, {
    // No client tracking: LiveServer tracks and closes its sockets itself (before app.close), and ws's own set would
    // cost each idle viewer a set entry and a second 'close' listener.
    options: { maxPayload: config.liveMaxFrameBytes, clientTracking: false },
    // A client's bad frame (too big, bad UTF-8, reset) is its fault, not ours: ws already closed with the
    // documented code; logging each at error level with a stack would let anyone flood the log.
    errorHandler: (error, socket, request) => onLiveSocketError(error, socket, request.log),
  });
  // Under `serve --workers N` the 101 names the worker that took the socket (ws writes it, so ws adds the header).
  if (cluster.isWorker) {
    const worker = `x-readcount-worker: ${process.pid}`;
    app.websocketServer.on('headers', (headers: string[]) => headers.push(worker));
  }
  app.decorateRequest('liveAssigns', undefined);
  app.decorateRequest('upgradeResponse', undefined);
  // Callback style: the check is synchronous, so an upgrade needn't wait a promise tick here.
  app.addHook('preValidation', (request, reply, done) => {
    // A plain GET is not a socket: answered at once (RFC 9110 426 names the protocol to use) and it takes no live slot.
    if (!isLiveUpgrade(request)) {
      void reply.header('upgrade', 'websocket').header('connection', 'upgrade');
      sendError(reply, 'upgrade_required', { message: HTTP_ERRORS.upgrade_required.message });
      return;
    }
    const check = live.checkUpgrade(
      { headers: request.headers, query: request.query, ip: clientIp(request) },
      request.raw.socket,
    );
    if (!check.ok) {
      sendError(reply, check.code, { message: HTTP_ERRORS[check.code].message });
      return;
    }
    request.liveAssigns = check.assigns;
    request.upgradeResponse = reply.raw;
    done();
  });
  // One listener function for every live socket (ws calls it with the socket as `this`): a closure per socket
  // would be held for the socket's whole life.
  const log = app.log;
  function onEstablishedSocketError(this: WebSocket, error: Error): void {
    onLiveSocketError(error, this, log);
  }
  app.get(LIVE_PATH, { websocket: true }, (socket, request) => {
    const assigns = request.liveAssigns;
    if (assigns === undefined) return socket.terminate();
    // The plugin's own per-socket error listener closes over this request and its reply (logger, response headers)
    // for the socket's whole life, several KB per idle viewer; this one holds nothing per socket.
    socket.removeAllListeners('error');
    socket.on('error', onEstablishedSocketError);
    // Likewise the TCP socket still points at the upgrade's unused HTTP response (and through it the request).
    request.upgradeResponse?.detachSocket(request.raw.socket);
    request.upgradeResponse = undefined;
    request.liveAssigns = undefined;
    live.accept(new WsTransport(socket), clientIp(request), assigns, request.raw.socket);
  });
}

/** `/live/longpoll`, Phoenix's fallback transport: a sibling of the websocket route, outside its upgrade check. */
export async function longPollRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  if (deps.longPoll)
    await registerLongPoll(app, deps.longPoll, {
      maxFrameBytes: deps.config.liveMaxFrameBytes,
      rateLimit: deps.config.longPollRateLimit,
    });
}
