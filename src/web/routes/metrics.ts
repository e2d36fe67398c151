// `/metrics` for Prometheus; METRICS_TOKEN (when set) is required as a bearer token.
import type { FastifyInstance } from 'fastify';
import { HTTP_ERRORS } from '../../errors.js';
import { Metrics } from '../../telemetry/metrics.js';
import { authorized, type DashboardDeps } from './deps.js';

export async function metricsRoutes(app: FastifyInstance, { deps }: { deps: DashboardDeps }): Promise<void> {
  const metrics = new Metrics(deps.telemetry);
  app.addHook('onClose', async () => metrics.close());
  app.get('/metrics', async (request, reply) => {
    if (!authorized(deps.config.metricsToken, request.headers)) {
      return reply
        .code(HTTP_ERRORS.unauthorized.status)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized' });
    }
    return reply
      .type(metrics.contentType())
      .header('cache-control', 'no-store')
      .send(await metrics.text());
  });
}
