// Starts readcount in-process on one of the moving-in fixture blogs (Jekyll, Hugo, Astro), with a throwaway data folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';

export type Engine = 'jekyll' | 'hugo' | 'astro';

export const fixtureDir = (engine: Engine): string =>
  fileURLToPath(new URL(`../fixtures/moving-in/${engine}/`, import.meta.url));

export interface MovingInBlog {
  readonly readcount: Readcount;
  close(): Promise<void>;
}

/** No readcount.yml: the engine's own site file (beside the posts folder) gives the identity. */
export async function startMovingInBlog(engine: Engine, env: Record<string, string> = {}): Promise<MovingInBlog> {
  const data = await mkdtemp(join(tmpdir(), `readcount-${engine}-`));
  const root = fixtureDir(engine);
  const config = readConfig({
    POSTS_DIR: join(root, 'posts'),
    STATIC_DIR: join(root, 'static'),
    DATA_DIR: data,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const readcount = await createReadcount(config, { watch: false });
  return {
    readcount,
    close: async () => {
      await readcount.close();
      await rm(data, { recursive: true, force: true });
    },
  };
}
