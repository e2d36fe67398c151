// The posts plugin: decorates `library` (POSTS_DIR, read at start and watched) and stops watching first on close.
import { statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { PostLibrary } from './library.js';
import { watchPosts } from './watch.js';

declare module 'fastify' {
  interface FastifyInstance {
    library: PostLibrary;
  }
}

export interface PostsPluginOptions {
  readonly config: Pick<Config, 'postsDir' | 'permalinks'>;
  /** false: the folder is read once (tests, one-shot commands). */
  readonly watch?: boolean | undefined;
}

async function postsFeature(app: FastifyInstance, { config, watch }: PostsPluginOptions): Promise<void> {
  try {
    if (!statSync(config.postsDir).isDirectory()) throw new Error('not a folder');
  } catch (error) {
    throw new ConfigError(
      'POSTS_DIR',
      `${config.postsDir} is not a readable folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const library = await PostLibrary.open(config.postsDir, {
    permalinks: config.permalinks,
    onProblem: (problem) =>
      app.log.warn(
        `post ${problem.keptLastGood ? 'kept at its last good version' : 'skipped'}: ${problem.file}: ${problem.reason}`,
      ),
  });
  const watcher =
    watch === false
      ? undefined
      : watchPosts(library, config.postsDir, {
          onError: (error) => app.log.error(`reloading posts failed: ${error.message}`),
        });
  app.decorate('library', library);
  // Before the server closes: no post published or reloaded while the rest is taken apart.
  app.addHook('preClose', async () => {
    library.close();
    await watcher?.close();
  });
}

export const postsPlugin = fp(postsFeature, { name: 'readcount-posts', fastify: '5.x' });
