// POST /api/view-end: the end-of-view report sent by navigator.sendBeacon when the live socket is gone.
import type { FastifyInstance } from 'fastify';
import { HTTP_ERRORS } from '../../errors.js';
import type { DashboardDeps } from './deps.js';

/** A report is three short fields; anything larger is not one. */
const BODY_LIMIT_BYTES = 2048;

function parseBody(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export async function viewEndRoutes(app: FastifyInstance, { deps }: { deps: DashboardDeps }): Promise<void> {
  app.post('/api/view-end', { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const { engagement } = deps;
    if (!engagement) return reply.code(404).send({ error: 'not_found' });
    const body = parseBody(request.body);
    const result = body
      ? await engagement.reportWithToken(body.token, body)
      : ({ ok: false, reason: 'invalid_token' } as const);
    if (result.ok) return reply.code(202).send({ ok: true, visible_ms: result.visibleMs, clamped: result.clamped });
    return reply.code(HTTP_ERRORS.view_end_refused.status).send({ error: 'view_end_refused', reason: result.reason });
  });
}
