// A generated blog for the furniture tests (pagination, archive, search, scheduling, previews, feeds, labels).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';

export interface FixturePost {
  readonly name: string;
  readonly front: string;
  readonly body: string;
}

export interface FurnitureBlog {
  readonly readcount: Readcount;
  readonly root: string;
  readonly logs: string[];
  /** Listens on a free port of 127.0.0.1 (for a browser) and gives the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export const fixturePost = (name: string, front: string, body = 'Some words.'): FixturePost => ({ name, front, body });

/** `count` posts named p1..pN, one a day from 2024-01-01 (so pN is the newest), tagged by parity. */
export function dailyPosts(count: number): FixturePost[] {
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    return fixturePost(`p${i + 1}`, `title: Post ${i + 1}\ndate: ${day}\ntags: [${i % 2 === 0 ? 'odd' : 'even'}]`);
  });
}

export async function startFurnitureBlog(
  posts: readonly FixturePost[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): Promise<FurnitureBlog> {
  const root = await mkdtemp(join(tmpdir(), 'readcount-furniture-'));
  await mkdir(join(root, 'posts'), { recursive: true });
  await mkdir(join(root, 'static'), { recursive: true });
  for (const post of posts)
    await writeFile(join(root, 'posts', `${post.name}.md`), `---\n${post.front}\n---\n\n${post.body}\n`);
  for (const [path, text] of Object.entries(files)) await writeFile(join(root, path), text);
  const logs: string[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => (logs.push(...String(chunk).split('\n').filter(Boolean)), done()),
  });
  const readcount = await createReadcount(
    readConfig({
      POSTS_DIR: join(root, 'posts'),
      DATA_DIR: join(root, 'data'),
      STATIC_DIR: join(root, 'static'),
      ...env,
    }),
    { watch: false, logger: { stream } },
  );
  await readcount.app.ready();
  return {
    readcount,
    root,
    logs,
    listen: async () => {
      await readcount.app.listen({ port: 0, host: '127.0.0.1' });
      const address = readcount.app.server.address();
      if (!address || typeof address !== 'object') throw new Error('not listening');
      return `http://127.0.0.1:${address.port}`;
    },
    close: async () => (await readcount.close(), await rm(root, { recursive: true, force: true })),
  };
}
