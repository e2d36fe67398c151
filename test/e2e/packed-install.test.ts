// `npm pack` of a clean checkout, installed globally into a temporary prefix, serves from another folder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deferred } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'readcount-pack-'));
});
after(() => rm(work, { recursive: true, force: true }));

/** Tracked files only, as a fresh clone has them, with this checkout's node_modules (so `prepack` can build). */
async function cleanCheckout(): Promise<string> {
  const dir = join(work, 'checkout');
  const files = (await run('git', ['ls-files', '-z'], { cwd: ROOT, maxBuffer: 1 << 24 })).stdout.split('\0');
  for (const file of files.filter(Boolean)) await cp(join(ROOT, file), join(dir, file)).catch(() => undefined);
  await cp(join(ROOT, 'node_modules'), join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  return dir;
}

// A global install resolves every dependency through the registry (shrinkwrapped): allowed more than the 3 min default.
test('the tarball ships what runs, and a global install serves pages and assets from any folder', {
  timeout: 10 * 60_000,
}, async (t) => {
  const checkout = await cleanCheckout();
  const packed = await run(NPM, ['pack', '--json', '--pack-destination', work], { cwd: checkout, maxBuffer: 1 << 24 });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
    { filename: string; files: { path: string }[] },
  ];
  const paths = info.files.map(({ path }) => path);
  t.diagnostic(`${paths.length} files in ${info.filename}`);
  for (const needed of ['dist/cli.js', 'npm-shrinkwrap.json', 'src/engagement/sources.json', 'src/web/client/app.js'])
    assert.ok(paths.includes(needed), `ships ${needed}`);
  const strays = paths.filter((path) => /^(test|bench|\.ci|scripts)\/|\.ts$|\.map$/.test(path));
  assert.deepEqual(strays, [], 'no tests, benchmarks, CI scripts, TypeScript sources or source maps');
  assert.equal(
    (await readdir(checkout)).includes('npm-shrinkwrap.json'),
    false,
    'the shrinkwrap lives in the tarball only',
  );

  const prefix = join(work, 'prefix');
  await run(NPM, ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, info.filename)], {
    cwd: work,
    maxBuffer: 1 << 24,
  });
  const bin = join(prefix, 'bin', 'readcount');
  assert.match((await run(bin, ['--version'])).stdout, /^0\.\d+\.\d+\n$/);

  const site = join(work, 'site');
  await mkdir(join(site, 'posts'), { recursive: true });
  await writeFile(
    join(site, 'posts', 'hello.md'),
    '---\ntitle: "Hello"\ndate: 2024-01-01\n---\n\nSome code:\n\n```ts\nconst answer: number = 42;\n```\n',
  );
  const { spawn } = await import('node:child_process');
  const child = spawn(bin, ['serve'], {
    cwd: site,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listening = deferred<string>();
  let log = '';
  const onData = (chunk: Buffer) => {
    log += chunk.toString();
    const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(log);
    if (match?.[1]) listening.resolve(match[1]);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code) => listening.reject(new Error(`exited ${code} before listening:\n${log}`)));
  try {
    const base = await listening.promise;
    const page = await fetch(`${base}/post/hello`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Total readers:/);
    assert.match(html, /class="shiki/, 'code highlighted with the installed grammars');
    for (const asset of ['/_readcount/app.js', '/_readcount/phoenix.mjs', '/embed.js'])
      assert.equal((await fetch(`${base}${asset}`)).status, 200, asset);
    assert.match(log, /no site file .* the site is called \\"readcount\\"/, 'JSON log line');
    assert.doesNotMatch(log, /\(node:\d+\)|Warning:/);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
});
