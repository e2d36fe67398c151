// Settings: readConfig names the bad setting, reads the site file, and maps every option to its flag and env var.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Option } from 'commander';
import { OPTIONS, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('no error thrown');
}

const _sha = async (file: string): Promise<string> =>
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
});
