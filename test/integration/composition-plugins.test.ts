// The composition's plugins: each boots on exactly the plugins it declares, refuses to boot without one, and closing
// the app closes every part (pending reads committed, the SQLite file flushed and let go).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { type Config, readConfig } from '../../src/config.js';
import { countingPlugin } from '../../src/counting/plugin.js';
import { engagementPlugin } from '../../src/engagement/plugin.js';
import { ghostsPlugin } from '../../src/ghosts/plugin.js';
import { livePlugin } from '../../src/live-plugin.js';
import { postsPlugin } from '../../src/posts/plugin.js';
import { presencePlugin } from '../../src/presence/plugin.js';
import { pubsubPlugin } from '../../src/pubsub/plugin.js';
import { createReadcount } from '../../src/readcount.js';
import { storePlugin } from '../../src/store-plugin.js';
import { telemetryPlugin } from '../../src/telemetry/plugin.js';
import { createFastify } from '../../src/web/app.js';
import { webPlugin } from '../../src/web/plugin.js';

// biome-ignore lint/suspicious/noExplicitAny: each plugin takes options of its own; the table only registers them.
type AnyPlugin = FastifyPluginAsync<any>;
const meta = (plugin: AnyPlugin): { name: string; dependencies?: string[] } =>
  (plugin as unknown as Record<symbol, { name: string; dependencies?: string[] }>)[Symbol.for('plugin-meta')] ?? {
    name: '?',
  };

/** In the composition root's order. */
const PLUGINS: readonly AnyPlugin[] = [
  telemetryPlugin,
  postsPlugin,
  storePlugin,
  pubsubPlugin,
  presencePlugin,
  ghostsPlugin,
  countingPlugin,
  engagementPlugin,
  livePlugin,
  webPlugin,
];

let root: string;
let config: Config;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'readcount-plugins-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nSome text.\n');
  config = readConfig({
    POSTS_DIR: join(root, 'posts'),
    DATA_DIR: join(root, 'data'),
    LOG_LEVEL: 'silent',
    COUNT_MODE: 'every-read',
    GHOSTS: 'true',
  });
});
after(() => rm(root, { recursive: true, force: true }));

/** `plugin` and every plugin it needs, directly or not, in the root's order. */
function withDependencies(plugin: AnyPlugin): AnyPlugin[] {
  const needed = new Set<string>([meta(plugin).name]);
  for (const candidate of [...PLUGINS].reverse()) {
    if (needed.has(meta(candidate).name)) for (const name of meta(candidate).dependencies ?? []) needed.add(name);
  }
  return PLUGINS.filter((candidate) => needed.has(meta(candidate).name));
}

async function boot(plugins: readonly AnyPlugin[]): Promise<void> {
  const app = createFastify(config);
  for (const plugin of plugins) app.register(plugin, { config, watch: false, fanoutSlice: config.fanoutSlice });
  try {
    await app.ready();
  } finally {
    await app.close();
  }
}

test('every plugin has a name, and the root registers each after the plugins it declares', () => {
  const seen = new Set<string>();
  for (const plugin of PLUGINS) {
    const { name, dependencies = [] } = meta(plugin);
    assert.match(name, /^readcount-/);
    for (const dependency of dependencies)
      assert.ok(seen.has(dependency), `${name} is registered before ${dependency}`);
    seen.add(name);
  }
});

for (const plugin of PLUGINS) {
  const { name, dependencies = [] } = meta(plugin);
  test(`${name} boots on the plugins it declares, and on none fewer`, async () => {
    // Enough: a decoration used at start that no declared plugin provides would throw here.
    await boot(withDependencies(plugin));
    for (const missing of dependencies) {
      const without = withDependencies(plugin).filter((other) => meta(other).name !== missing);
      await assert.rejects(boot(without), (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED');
        assert.ok(error.message.includes(`'${missing}'`), error.message);
        return true;
      });
    }
  });
}

/** The SQLite file was closed for good: no write-ahead log left, and another connection may lock it. */
function assertReleased(file: string): void {
  // The last connection closed checkpoints and removes the write-ahead log: everything is in the file itself.
  assert.equal(existsSync(`${file}-wal`), false);
  const db = new Database(file);
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } finally {
    db.close();
  }
}

test('a part that fails to start closes the parts started before it (the SQLite file is let go)', async () => {
  const clashing = { ...config, dataDir: join(root, 'data-clash'), sites: ['hello=https://elsewhere.example/hello'] };
  await assert.rejects(createReadcount(clashing, { watch: false }), { name: 'ConfigError', message: /hello/ });
  assertReleased(join(clashing.dataDir, 'readcount.db'));
});

test('closing the app commits a pending read, flushes the SQLite file and lets it go', async () => {
  const readcount = await createReadcount(config, { watch: false });
  await readcount.app.listen({ port: 0, host: '127.0.0.1' });
  const read = readcount.counter.submit('hello', []);
  const lost = await readcount.close(1000);
  assert.equal(lost, 0);
  assert.deepEqual(await read, { counted: true });
  assert.equal(readcount.app.server.listening, false);
  assert.equal(readcount.live.connectionCount(), 0);
  assert.equal(await readcount.close(), 0, 'a second close is the first one');
  const file = join(config.dataDir, 'readcount.db');
  assertReleased(file);
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT total FROM counters WHERE slug = ?').get('hello') as { total: number } | undefined;
    assert.equal(row?.total, 1);
  } finally {
    db.close();
  }
});
