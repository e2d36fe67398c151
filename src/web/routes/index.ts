// Registers the dashboard-side routes (API, badge, metrics, stats, embed) on the app; app.ts calls this once.
import type { FastifyInstance } from 'fastify';
import { apiRoutes } from './api.js';
import { badgeRoutes } from './badge.js';
import type { DashboardDeps } from './deps.js';
import { embedRoutes } from './embed.js';
import { metricsRoutes } from './metrics.js';
import { siteExtrasRoutes } from './site-extras.js';
import { statsRoutes } from './stats.js';
import { viewEndRoutes } from './view-end.js';

export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps, siteTitle: string): Promise<void> {
  await app.register(apiRoutes, { deps });
  await app.register(badgeRoutes, { deps });
  await app.register(metricsRoutes, { deps });
  await app.register(statsRoutes, { deps, siteTitle });
  await app.register(siteExtrasRoutes, { deps, siteTitle });
  await app.register(embedRoutes);
  await app.register(viewEndRoutes, { deps });
}
