// POST /api/view-end: the end-of-view report sent by navigator.sendBeacon when the live socket is gone.
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http-errors.js';
import type { WebPluginOptions } from './deps.js';

/** A report is three short fields; anything larger is not one. */
const BODY_LIMIT_BYTES = 2048;
/** Taken and queued for the next commit (not yet stored): 202 Accepted. Refusals go through sendError. */
const ACCEPTED = 202;

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

export async function viewEndRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  app.post('/api/view-end', { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const { engagement } = deps;
    if (!engagement) return sendError(reply, 'not_found');
    const body = parseBody(request.body);
    const result = body
      ? await engagement.reportWithToken(body.token, body)
      : ({ ok: false, reason: 'invalid_token' } as const);
    if (result.ok)
      return reply.code(ACCEPTED).send({ ok: true, visible_ms: result.visibleMs, clamped: result.clamped });
    return sendError(reply, 'view_end_refused', { fields: { reason: result.reason } });
  });
}
