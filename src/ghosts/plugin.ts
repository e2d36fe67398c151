// The ghosts plugin (GHOSTS): decorates `ghosts`, the board of readers' positions and the post channel's part.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { GhostBoard } from './board.js';
import { ClusterGhostBoard } from './cluster-board.js';
import { PostGhosts } from './ghosts-channel.js';

export interface Ghosts {
  readonly board: GhostBoard;
  readonly channel: PostGhosts;
  /** Adds a listener told that a post's ghosts changed (the pusher, which takes the board's frame when due). */
  onChange(listener: (slug: string) => void): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined when GHOSTS is off. */
    ghosts: Ghosts | undefined;
  }
}

export interface GhostsPluginOptions {
  readonly config: Pick<Config, 'ghosts' | 'respectDnt'>;
}

async function ghostsFeature(app: FastifyInstance, { config }: GhostsPluginOptions): Promise<void> {
  if (!config.ghosts) {
    app.decorate('ghosts', undefined);
    return;
  }
  const listeners: ((slug: string) => void)[] = [];
  const options = {
    pubsub: app.pubsub,
    onChange: (slug: string) => {
      for (const listener of listeners) listener(slug);
    },
  };
  // Other instances learn this one's readers from its summaries on pubsub.
  const board = app.clustered ? new ClusterGhostBoard(options) : new GhostBoard(options);
  await board.start();
  const { library } = app;
  const channel = new PostGhosts({
    board,
    // Posts only: an embedded external page (SITES) loads no ghosts script.
    enabled: (slug) => (library.get(slug)?.ghosts ?? true) && library.get(slug) !== undefined,
    respectDnt: config.respectDnt,
  });
  app.decorate('ghosts', {
    board,
    channel,
    onChange: (listener: (slug: string) => void) => void listeners.push(listener),
  });
  app.addHook('onClose', () => board.close());
}

export const ghostsPlugin = fp(ghostsFeature, {
  name: 'readcount-ghosts',
  fastify: '5.x',
  dependencies: ['readcount-pubsub', 'readcount-posts'],
});
