// Served files stay in their folder: real symlinks out of STATIC_DIR, a page bundle and POSTS_DIR are refused, links that stay inside work, DATA_DIR is never served.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';

const SECRET = 'OUTSIDE-MARKER-never-served';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const post = (title: string) => `---\ntitle: ${title}\ndate: 2024-01-01\n---\n\n${title} text.\n`;

async function open(root: string, logs: string[], env: Record<string, string> = {}): Promise<Readcount> {
  const stream = new Writable({
    write: (chunk, _encoding, done) => (logs.push(...String(chunk).split('\n').filter(Boolean)), done()),
  });
  return createReadcount(
    readConfig({
      POSTS_DIR: join(root, 'posts'),
      DATA_DIR: join(root, 'data'),
      STATIC_DIR: join(root, 'static'),
      LOG_LEVEL: 'info',
      ...env,
    }),
    { watch: false, logger: { stream } },
  );
}

describe('symlinks never lead a served file out of its folder', () => {
  let root: string;
  let readcount: Readcount;
  const logs: string[] = [];
  const get = async (url: string) => readcount.app.inject({ url });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-symlinks-'));
    const [posts, staticDir, outside] = ['posts', 'static', 'outside'].map((name) => join(root, name)) as [
      string,
      string,
      string,
    ];
    await mkdir(join(posts, 'trip'), { recursive: true });
    await mkdir(join(posts, 'drafts'), { recursive: true });
    await mkdir(join(staticDir, 'images'), { recursive: true });
    await mkdir(join(outside, 'bundle'), { recursive: true });
    await writeFile(join(outside, 'secret.txt'), SECRET);
    await writeFile(join(outside, 'evil.css'), `body{content:"${SECRET}"}`);
    await writeFile(join(outside, 'leaked.md'), post(`Leaked ${SECRET}`));
    await writeFile(join(outside, 'bundle', 'index.md'), post(`Away ${SECRET}`));
    await writeFile(join(posts, 'hello.md'), post('Hello'));
    await writeFile(join(posts, 'drafts', 'real.md'), post('Linked inside'));
    await writeFile(join(posts, 'trip', 'index.md'), post('Trip'));
    await writeFile(join(posts, 'trip', 'photo.png'), PNG);
    await writeFile(join(staticDir, 'images', 'a.png'), PNG);
    // STATIC_DIR: to a file outside, a system file, a folder outside, the signing key; one that stays inside.
    await symlink(join(outside, 'secret.txt'), join(staticDir, 'outside.txt'));
    await symlink('/etc/passwd', join(staticDir, 'passwd.txt'));
    await symlink(outside, join(staticDir, 'away'));
    await symlink('/etc', join(staticDir, 'etc'));
    await symlink(join(root, 'data', 'secret.key'), join(staticDir, 'key.txt'));
    await symlink(join(root, 'data'), join(staticDir, 'data'));
    await symlink(join(outside, 'evil.css'), join(staticDir, 'custom.css'));
    await symlink('images/a.png', join(staticDir, 'inside.png'));
    // A page bundle: the same, from inside the bundle folder.
    await symlink(join(outside, 'secret.txt'), join(posts, 'trip', 'leak.txt'));
    await symlink(outside, join(posts, 'trip', 'away'));
    await symlink(join(root, 'data', 'secret.key'), join(posts, 'trip', 'key.txt'));
    await symlink('photo.png', join(posts, 'trip', 'copy.png'));
    // POSTS_DIR: a post and a bundle linked from outside; a post linked from inside.
    await symlink(join(outside, 'leaked.md'), join(posts, 'leaked.md'));
    await symlink(join(outside, 'bundle'), join(posts, 'away'));
    await symlink(join(posts, 'drafts', 'real.md'), join(posts, 'linked.md'));
    readcount = await open(root, logs);
  });
  after(async () => {
    await readcount?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('STATIC_DIR: links to a file, a folder, /etc or DATA_DIR are 404; a link inside is served', async () => {
    for (const url of [
      '/outside.txt',
      '/passwd.txt',
      '/away/secret.txt',
      '/etc/passwd',
      '/etc/hostname',
      '/key.txt',
      '/data/secret.key',
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes(SECRET) && !response.body.includes('root:'), url);
    }
    const inside = await get('/inside.png');
    assert.equal(inside.statusCode, 200);
    assert.deepEqual(inside.rawPayload, PNG);
    assert.equal((await get('/images/a.png')).statusCode, 200);
  });

  test('custom.css linked outside is not served (the empty stylesheet stands in)', async () => {
    const css = await get('/custom.css');
    assert.equal(css.statusCode, 200);
    assert.equal(css.body, '');
  });

  test('a page bundle: links out of the bundle are 404; a link inside is served', async () => {
    for (const url of ['/post/trip/leak.txt', '/post/trip/away/secret.txt', '/post/trip/key.txt']) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes(SECRET), url);
    }
    const copy = await get('/post/trip/copy.png');
    assert.equal(copy.statusCode, 200);
    assert.deepEqual(copy.rawPayload, PNG);
  });

  test('a post or bundle linked from outside POSTS_DIR is not loaded, with a one-line warning (a linked folder is no bundle); one linked inside is', async () => {
    const slugs = readcount.library.list().map((p) => p.slug);
    assert.ok(slugs.includes('linked'), slugs.join());
    assert.ok(!slugs.includes('leaked') && !slugs.includes('away'), slugs.join());
    for (const url of ['/post/leaked', '/post/away', '/', '/feed.xml'])
      assert.ok(!(await get(url)).body.includes(SECRET), url);
    const line = logs.find((l) => l.includes('leaked.md') && l.includes('outside POSTS_DIR'));
    assert.ok(line, logs.join('\n'));
    assert.equal(JSON.parse(line).level, 40, 'a warning');
    const health = (await get('/healthz')).body;
    assert.ok(!health.includes(join(root, 'outside')), 'where the link points is not published');
  });

  test('secret.key is written with mode 0600, and a key readable by others is warned about at start', async () => {
    const key = join(root, 'data', 'secret.key');
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    assert.ok(!logs.some((l) => l.includes('secret.key is readable')));
    await chmod(key, 0o644);
    const again: string[] = [];
    const second = await open(root, again);
    await second.close();
    await chmod(key, 0o600);
    const warning = again.find((l) => l.includes('secret.key is readable by others'));
    assert.ok(warning, again.join('\n'));
    assert.match(warning, /chmod 600/);
  });
});

describe('DATA_DIR and the served folders never overlap', () => {
  test('DATA_DIR inside STATIC_DIR or POSTS_DIR, or either inside DATA_DIR, is refused at start naming both', async () => {
    const root = await mkdtemp(join(tmpdir(), 'readcount-overlap-'));
    try {
      await mkdir(join(root, 'posts'));
      await mkdir(join(root, 'static'));
      await writeFile(join(root, 'posts', 'hello.md'), post('Hello'));
      const cases: [Record<string, string>, string][] = [
        [{ DATA_DIR: join(root, 'static', 'data') }, 'STATIC_DIR'],
        [{ DATA_DIR: join(root, 'posts', '.data') }, 'POSTS_DIR'],
        [{ DATA_DIR: root }, 'STATIC_DIR'],
      ];
      for (const [env, setting] of cases) {
        await assert.rejects(open(root, [], env), (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, new RegExp(`^DATA_DIR: .+ and ${setting} .+ overlap`));
          assert.ok(error.message.includes(env.DATA_DIR ?? ''));
          assert.ok(!error.message.includes('\n'));
          return true;
        });
      }
      const inside = join(root, 'data');
      await mkdir(inside);
      await symlink(inside, join(root, 'static', 'linked-data'));
      // A symlink to DATA_DIR is caught per request (above); the folders themselves are apart, so this starts.
      const readcount = await open(root, [], { DATA_DIR: inside });
      await readcount.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
