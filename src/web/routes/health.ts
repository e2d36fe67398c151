// `/healthz`: status for load balancers and monitors (degraded while the store fails), never cached.
import type { FastifyInstance } from 'fastify';
import type { WebPluginOptions } from './deps.js';

export async function healthRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  app.get('/healthz', (_request, reply) => {
    void reply.header('cache-control', 'no-store').send(deps.health());
  });
}
