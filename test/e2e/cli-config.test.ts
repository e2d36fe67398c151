// `readcount serve` as a child process with bad settings: one line naming the setting, exit code 2, nothing overwritten.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OPTIONS } from '../../src/config.js';
import { cli } from '../helpers/cli.js';

const sha = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('readcount serve flags', () => {
  test('`readcount serve --help` lists every flag with its env var', async () => {
    const { code, stdout } = await cli(['serve', '--help']);
    assert.equal(code, 0);
    for (const spec of Object.values(OPTIONS)) {
      assert.ok(stdout.includes(`--${spec.flag} <value>`), `--${spec.flag} missing from --help`);
      assert.ok(stdout.includes(`env ${spec.env}`), `env ${spec.env} missing from --help`);
    }
  });
});

describe('readcount serve with invalid settings: one line naming the setting, exit code 2', () => {
  let root: string;
  let postsDir: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-config-'));
    postsDir = join(root, 'posts');
    await mkdir(postsDir);
    await writeFile(join(postsDir, 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nHi.\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  const expectConfigFailure = async (args: string[], env: Record<string, string>, setting: string): Promise<string> => {
    const { code, stderr, stdout } = await cli(['serve', ...args], env);
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    assert.equal(code, 2, `exit code; stderr: ${stderr}`);
    assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
    assert.match(lines[0] ?? '', new RegExp(`\\b${setting}\\b`));
    assert.doesNotMatch(stdout, /listening/i);
    return lines[0] ?? '';
  };

  test('bad --port flag', async () => {
    await expectConfigFailure(['--port', 'abc'], { POSTS_DIR: postsDir, DATA_DIR: join(root, 'data-port') }, 'PORT');
  });

  test('missing POSTS_DIR', async () => {
    const line = await expectConfigFailure(
      [],
      { POSTS_DIR: join(root, 'no-such-folder'), DATA_DIR: join(root, 'data-missing') },
      'POSTS_DIR',
    );
    assert.ok(line.includes('no-such-folder'), line);
  });

  test('unwritable DATA_DIR (a path under a file)', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a folder');
    await expectConfigFailure([], { POSTS_DIR: postsDir, DATA_DIR: join(file, 'data') }, 'DATA_DIR');
    assert.equal(await readFile(file, 'utf8'), 'not a folder');
  });

  test('a DATA_DIR whose readcount.db is not a database: refused, and the file is not overwritten', async () => {
    const dataDir = join(root, 'data-garbage');
    await mkdir(dataDir);
    const db = join(dataDir, 'readcount.db');
    await writeFile(db, "this is not a SQLite database, but it is somebody's file\n".repeat(200));
    const before = await sha(db);
    const line = await expectConfigFailure(
      [],
      { POSTS_DIR: postsDir, DATA_DIR: dataDir, SECRET_KEY: 'k'.repeat(40) },
      'DATA_DIR',
    );
    assert.ok(line.includes('readcount.db'), line);
    assert.equal(await sha(db), before, 'the file is byte for byte the same');
    // readcount.lock is the server's own lock on the folder (src/store/data-dir-lock.ts), taken before the database opens.
    assert.deepEqual(
      (await readdir(dataDir)).filter((name) => name !== 'readcount.lock'),
      ['readcount.db'],
      'no journal, WAL or other file was written next to it',
    );
  });
});
describe('the site file (readcount.yml) found by serve', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'readcount-sitefile-'))));
  after(() => rm(root, { recursive: true, force: true }));

  test('`serve` finds readcount.yml in the working directory; a bad key there: one line naming key and file, exit 2', async () => {
    const cwd = join(root, 'blog');
    await mkdir(cwd, { recursive: true });
    await writeFile(join(cwd, 'readcount.yml'), 'site_title: Mine\npost_dir: ./posts\n');
    const { code, stderr } = await cli(['serve'], { DATA_DIR: join(root, 'data-yml') }, { cwd });
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    assert.equal(code, 2, stderr);
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0] ?? '', /post_dir: .*readcount\.yml/);
  });
});

describe('a port already in use', () => {
  test('exits 2 with one line naming PORT, no stack trace', async () => {
    const root = await mkdtemp(join(tmpdir(), 'readcount-port-'));
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      await mkdir(join(root, 'posts'));
      const port = (busy.address() as AddressInfo).port;
      const { code, stderr } = await cli(['serve'], {
        PORT: String(port),
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
        SECRET_KEY: 'k'.repeat(40),
      });
      const lines = stderr.split('\n').filter((line) => line.trim() !== '');
      assert.equal(code, 2, stderr);
      assert.deepEqual(lines, [`readcount: invalid configuration: PORT: ${port} is already in use on 127.0.0.1`]);
    } finally {
      busy.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
