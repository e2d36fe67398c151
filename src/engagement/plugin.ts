// The engagement plugin: views, sources and end-of-view reports, plugged into counting's hooks; decorates `engagement`.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { NetworkLimit } from '../counting/network.js';
import { Engagement } from './engagement.js';

declare module 'fastify' {
  interface FastifyInstance {
    engagement: Engagement;
  }
}

export interface EngagementPluginOptions {
  readonly config: Pick<
    Config,
    'tokenMaxAgeMs' | 'countMode' | 'countBots' | 'respectDnt' | 'maxReadsPerNetwork' | 'siteUrl' | 'embedOrigins'
  >;
}

async function engagementFeature(app: FastifyInstance, { config }: EngagementPluginOptions): Promise<void> {
  const { salts } = app;
  const engagement = new Engagement({
    signer: app.signer,
    salts,
    counter: app.counter,
    store: app.store,
    tokenMaxAgeMs: config.tokenMaxAgeMs,
    countMode: config.countMode,
    countBots: config.countBots === true,
    respectDnt: config.respectDnt,
    claimsSince: app.claimsSince,
    // Views have an allowance of their own per network, apart from reads'.
    networkLimit: new NetworkLimit({
      saltFor: (day) => salts.saltFor(day),
      maxReads: config.maxReadsPerNetwork,
      countMode: config.countMode,
      scope: 'network-view',
    }),
    // Referrers from the site itself count as "direct": its canonical host and the origins it trusts with its counter.
    ownHosts: [...(config.siteUrl ? [config.siteUrl] : []), ...config.embedOrigins].flatMap((origin) =>
      URL.canParse(origin) ? [new URL(origin).host] : [],
    ),
  });
  app.engagementHooks.fill(engagement);
  app.decorate('engagement', engagement);
}

export const engagementPlugin = fp(engagementFeature, {
  name: 'readcount-engagement',
  fastify: '5.x',
  dependencies: ['readcount-store', 'readcount-counting'],
});
