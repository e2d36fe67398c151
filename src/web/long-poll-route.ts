// Serves /live/longpoll over Fastify as Phoenix's LongPoll plug does: HTTP 200 JSON, CORS open (the origin is checked).
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LongPollServer } from '../live/long-poll.js';
import { clientIp } from './client-ip.js';

const LONG_POLL_PATH = '/live/longpoll';

/** A POST body holds the frames of one batch; past this it is answered 413, as every other body over 64 KiB is. */
const LONG_POLL_BODY_LIMIT = 64 * 1024;

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
    scope.options(LONG_POLL_PATH, (request, reply) => {
      void reply
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-headers', String(request.headers['access-control-request-headers'] ?? ''))
        .header('access-control-allow-methods', 'get, post, options')
        .header('access-control-max-age', '3600')
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
