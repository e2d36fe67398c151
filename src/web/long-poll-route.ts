// Serves /live/longpoll over Fastify as Phoenix's LongPoll plug does: HTTP 200 JSON, CORS open (the origin is checked).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type LongPollServer, MAX_POLL_BATCH } from '../live/long-poll.js';
import { clientIp } from './client-ip.js';

export const LONG_POLL_PATH = '/live/longpoll';

/** A GET naming a session: a held poll, answered by the session's own limits rather than HTTP_RATE_LIMIT. */
export const isSessionPoll = (request: { method: string; url: string }): boolean =>
  request.method === 'GET' && request.url.startsWith(`${LONG_POLL_PATH}?`) && /[?&]token=[^&]/.test(request.url);

export async function registerLongPoll(
  app: FastifyInstance,
  longPoll: LongPollServer,
  maxFrameBytes: number,
): Promise<void> {
  await app.register(async (scope) => {
    // Frames arrive as text (application/x-ndjson, or one JSON frame); LiveConnection decodes them, as it does ws frames.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: (maxFrameBytes + 2) * MAX_POLL_BATCH },
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
    scope.get(LONG_POLL_PATH, handler);
    scope.post(LONG_POLL_PATH, handler);
  });
}
