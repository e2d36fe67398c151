// `/metrics` for Prometheus; METRICS_TOKEN (when set) is required as a bearer token.
import type { FastifyInstance } from 'fastify';
import { Metrics } from '../../telemetry/metrics.js';
import { sendError } from '../http-errors.js';
import { authorized, type WebPluginOptions } from './deps.js';

export async function metricsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const metrics = new Metrics(deps.telemetry);
  app.addHook('onClose', async () => metrics.close());
  app.get('/metrics', async (request, reply) => {
    if (!authorized(deps.config.metricsToken, request.headers)) {
      return sendError(reply.header('www-authenticate', 'Bearer'), 'unauthorized');
    }
    return reply
      .type(metrics.contentType())
      .header('cache-control', 'no-store')
      .send(await metrics.text());
  });
}
