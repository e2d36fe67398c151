// Security headers (CSP, HSTS, frame and sniffing rules) from helmet, on every response.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The middleware is built once: @fastify/helmet rebuilds it, re-parsing every CSP directive, on each
 * request, which halved page throughput in bench scenario 6. Headers go on the raw response, as there,
 * so a route's own `reply.header` still wins (e.g. /embed.js's cross-origin-resource-policy).
 */
export function addSecurityHeaders(app: FastifyInstance, options: HelmetOptions, skip?: (request: FastifyRequest) => boolean): void {
  const apply = helmet(options);
  app.addHook('onRequest', (request, reply, done) => {
    if (skip?.(request)) return done();
    apply(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
}
