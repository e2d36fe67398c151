// Settings: readConfig names the bad setting; `readcount serve` fails with one line and exit code 2, overwriting nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Option } from 'commander';
import { OPTIONS, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { cli } from '../helpers/cli.js';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('no error thrown');
}

const sha = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('readConfig', () => {
  test('defaults come from OPTIONS', () => {
    const config = readConfig({});
    for (const [key, spec] of Object.entries(OPTIONS))
      assert.deepEqual(config[key as keyof typeof config], spec.default, key);
    assert.equal(config.port, 4000);
    assert.equal(config.readAfterMs, 10_000);
    assert.equal(config.dataDir, './data');
  });

  test('env vars are parsed; flags win over env vars', () => {
    const config = readConfig(
      { PORT: '8080', READ_AFTER_MS: '2500', READCOUNT_TEST_COUNT_BOTS: 'yes' },
      { port: '9090' },
    );
    assert.equal(config.port, 9090);
    assert.equal(config.readAfterMs, 2500);
    assert.equal(config.countBots, true);
  });

  test('a bad PORT is named', () => {
    for (const raw of ['abc', '70000', '-1', '80.5', '', ' ']) {
      const error = configError(() => readConfig({ PORT: raw }));
      assert.equal(error.setting, 'PORT', raw);
      assert.match(error.message, /^PORT: /);
      assert.equal(error.exitCode, 2);
    }
    assert.equal(
      configError(() => readConfig({}, { port: 'http' })).setting,
      'PORT',
      'a bad flag names the setting too',
    );
  });

  test('a bad READ_AFTER_MS is named', () => {
    for (const raw of ['soon', '1.5', '-1', '1e4', '3600001']) {
      const error = configError(() => readConfig({ READ_AFTER_MS: raw }));
      assert.equal(error.setting, 'READ_AFTER_MS', raw);
      assert.ok(error.message.includes(raw.trim()) || /outside/.test(error.message), error.message);
    }
  });

  test('a short SECRET_KEY is refused; an empty one means "generate"', () => {
    const error = configError(() => readConfig({ SECRET_KEY: 'too-short' }));
    assert.equal(error.setting, 'SECRET_KEY');
    assert.match(error.message, /32/);
    assert.equal(readConfig({ SECRET_KEY: '' }).secretKey, undefined);
    assert.equal(readConfig({ SECRET_KEY: 'x'.repeat(32) }).secretKey, 'x'.repeat(32));
  });

  test('other typed settings name themselves too', () => {
    assert.equal(configError(() => readConfig({ COUNT_MODE: 'sometimes' })).setting, 'COUNT_MODE');
    assert.equal(configError(() => readConfig({ LOG_LEVEL: 'loud' })).setting, 'LOG_LEVEL');
    assert.equal(configError(() => readConfig({ RESPECT_DNT: 'maybe' })).setting, 'RESPECT_DNT');
  });
});

describe('readcount serve flags', () => {
  test('every OPTIONS flag maps to its config key through commander', () => {
    for (const [key, spec] of Object.entries(OPTIONS)) {
      assert.equal(new Option(`--${spec.flag} <value>`).attributeName(), key, `--${spec.flag}`);
      assert.equal(spec.flag, spec.env.toLowerCase().replace(/_/g, '-'), `${spec.env} → --${spec.flag}`);
    }
  });

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
    assert.deepEqual(await readdir(dataDir), ['readcount.db'], 'no journal, WAL or other file was written next to it');
  });
});

describe('bounds are said plainly', () => {
  test('READ_AFTER_MS=-5 says it must be ≥ 0; too large says the maximum', () => {
    assert.match(configError(() => readConfig({ READ_AFTER_MS: '-5' })).message, /^READ_AFTER_MS: -5 .*must be ≥ 0/);
    assert.match(configError(() => readConfig({ PORT: '70000' })).message, /must be ≤ 65535/);
  });
});

describe('the site file (readcount.yml)', () => {
  let root: string;
  let file: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-sitefile-'));
    file = join(root, 'site.yml');
  });
  after(() => rm(root, { recursive: true, force: true }));

  const withFile = async (yaml: string, env: Record<string, string> = {}, flags: Record<string, string> = {}) => {
    await writeFile(file, yaml);
    return readConfig({ READCOUNT_CONFIG: file, ...env }, flags);
  };

  test('holds the site identity and any setting, in lower snake case; env vars and flags win over it', async () => {
    const config = await withFile(
      [
        'site_title: Notes from the workshop',
        'site_language: pt-BR',
        'site_url: https://blog.example/',
        'nav:',
        '  - { title: About, url: /about }',
        'footer: "[Mastodon](https://social.example/@ada)"',
        'read_after_ms: 2500',
        'respect_dnt: true',
        'embed_origins: [https://a.example, https://b.example]',
        'port: 8080',
        'trust_proxy: [10.0.0.0/8, 127.0.0.1]',
      ].join('\n'),
      { PORT: '9000' },
      { readAfterMs: '3000' },
    );
    assert.equal(config.siteTitle, 'Notes from the workshop');
    assert.equal(config.siteLanguage, 'pt-BR');
    assert.equal(config.siteUrl, 'https://blog.example', 'kept without its trailing slash');
    assert.deepEqual(config.nav, [{ title: 'About', url: '/about' }]);
    assert.equal(config.respectDnt, true);
    assert.deepEqual(config.embedOrigins, ['https://a.example', 'https://b.example']);
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(config.port, 9000, 'the env var wins over the file');
    assert.equal(config.readAfterMs, 3000, 'the flag wins over the file');
    assert.equal(config.configFile, file);
    assert.equal(readConfig({}, { config: file }).siteTitle, 'Notes from the workshop', '--config names the file too');
  });

  test('a wrong key or type names the key and the file', async () => {
    for (const [yaml, key] of [
      ['site_titel: Typo', 'site_titel'],
      ['read_after_ms: soon', 'read_after_ms'],
      ['read_after_ms: -5', 'read_after_ms'],
      ['nav: /about', 'nav'],
      ['nav: [{ title: About }]', 'nav'],
      ['port: [1, 2]', 'port'],
      ['site_url: not a url', 'site_url'],
      ['allowed_origins: https://a.example', 'allowed_origins'],
    ] as const) {
      await writeFile(file, yaml);
      const error = configError(() => readConfig({ READCOUNT_CONFIG: file }));
      assert.equal(error.setting, key, yaml);
      assert.ok(error.message.startsWith(`${key}: `) && error.message.includes(file), error.message);
    }
    await writeFile(file, 'site_title: [unclosed');
    assert.ok(
      configError(() => readConfig({ READCOUNT_CONFIG: file })).message.includes(file),
      'bad YAML names the file',
    );
    assert.equal(
      configError(() => readConfig({ READCOUNT_CONFIG: join(root, 'missing.yml') })).setting,
      'READCOUNT_CONFIG',
    );
  });

  test('ALLOWED_ORIGINS still works, merged into EMBED_ORIGINS, with one deprecation notice', () => {
    const config = readConfig({ EMBED_ORIGINS: 'https://a.example', ALLOWED_ORIGINS: 'https://b.example' });
    assert.deepEqual(config.embedOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.notices?.length, 1);
    assert.match(config.notices?.[0] ?? '', /ALLOWED_ORIGINS is deprecated: use EMBED_ORIGINS/);
    assert.equal(readConfig({}).notices, undefined);
  });

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
