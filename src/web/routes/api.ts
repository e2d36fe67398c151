// JSON API: CORS for EMBED_ORIGINS and ETags over its parts (figures, embed tokens, receipts), each in a file.

import fastifyCors from '@fastify/cors';
import fastifyEtag from '@fastify/etag';
import type { FastifyInstance } from 'fastify';
import { apiEmbedTokenRoutes } from './api-embed-token.js';
import { apiReceiptRoutes } from './api-receipt.js';
import { apiStatsRoutes } from './api-stats.js';
import type { WebPluginOptions } from './deps.js';

export async function apiRoutes(app: FastifyInstance, options: WebPluginOptions): Promise<void> {
  const { config } = options.deps;
  await app.register(fastifyCors, {
    origin: config.embedOrigins.length > 0 ? [...config.embedOrigins] : false,
    methods: ['GET'],
    maxAge: 600,
  });
  await app.register(fastifyEtag);
  // Clients may keep a copy but must revalidate: the ETag makes that a cheap 304.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-cache');
  });
  await app.register(apiStatsRoutes, options);
  await app.register(apiEmbedTokenRoutes, options);
  await app.register(apiReceiptRoutes, options);
}
