// Serves /live/longpoll over Fastify as Phoenix's LongPoll plug does: HTTP 200 JSON, CORS open (the origin is checked).
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LongPollServer } from '../live/index.js';
import { clientIp } from './client-ip.js';

const LONG_POLL_PATH = '/live/longpoll';

/** A POST body holds the frames of one batch; past this it is answered 413, as every other body over 64 KiB is. */
const LONG_POLL_BODY_LIMIT = 64 * 1024;

/** The request headers the Phoenix LongPoll client sets: the body's type and, with `authToken`, the token. */
const LONG_POLL_CORS_HEADERS = 'content-type, x-phoenix-authtoken';
/** How long a browser may keep a preflight's answer, as Phoenix's LongPoll plug says. */
const LONG_POLL_CORS_MAX_AGE_S = 3600;

export interface LongPollRouteOptions {
  /** LIVE_MAX_FRAME_BYTES: a body may always hold one frame of that size. */
  readonly maxFrameBytes: number;
  /** LONG_POLL_RATE_LIMIT: requests per minute per network for every LongPoll request; 0 turns it off. */
  readonly rateLimit: number;
}

export async function registerLongPoll(
  app: FastifyInstance,
  longPoll: Pick<LongPollServer, 'handle'>,
  { maxFrameBytes, rateLimit }: LongPollRouteOptions,
): Promise<void> {
  // A budget of its own (a session polls again after every push), shared by opens, polls and sends: junk tokens
  // spend it as real sessions do. Only in effect when the rate-limit plugin is registered (app.ts).
  const limit: RateLimitOptions | false =
    rateLimit > 0 ? { max: rateLimit, timeWindow: '1 minute', groupId: 'longpoll', allowList: () => false } : false;
  const config = { rateLimit: limit };
  await app.register(async (scope) => {
    // Frames arrive as text (application/x-ndjson, or one JSON frame); LiveConnection decodes them, as it does ws frames.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: Math.max(LONG_POLL_BODY_LIMIT, maxFrameBytes + 2) },
      (_request, body, done) => done(null, body),
    );
    // The preflight allows what the official client sends, not whatever it is asked for. By hand, not @fastify/cors:
    // its catch-all OPTIONS route is already declared by the API's (routes are not encapsulated).
    scope.options(LONG_POLL_PATH, (_request, reply) => {
      void reply
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-headers', LONG_POLL_CORS_HEADERS)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-max-age', String(LONG_POLL_CORS_MAX_AGE_S))
        .send('');
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const gone = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) gone.abort();
      });
      const answer = await longPoll.handle({
        method: request.method,
        query: (request.query ?? {}) as Record<string, unknown>,
        headers: request.headers,
        ip: clientIp(request),
        body: typeof request.body === 'string' ? request.body : undefined,
        signal: gone.signal,
      });
      return reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(answer));
    };
    scope.get(LONG_POLL_PATH, { config }, handler);
    scope.post(LONG_POLL_PATH, { config }, handler);
  });
}
