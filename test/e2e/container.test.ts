// The Containerfile builds, runs as its non-root user, serves a page, counts a read, and keeps it on /data over a restart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectPhoenix, join as joinChannel, push } from '../helpers/phoenix-client.js';
import { freePort } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
// runc and limits within this machine kind's hard limits: see docs/deploying.md.
const ENGINE = ['--runtime', 'runc'];
const LIMITS = ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=4096:4096'];

const podman = async (...args: string[]): Promise<string> =>
  (await run('podman', [...ENGINE, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout.trim();

function skipReason(): string | undefined {
  if (process.env.READCOUNT_TEST_CONTAINER === '1') return undefined;
  return 'container test skipped: slow (a few minutes); set READCOUNT_TEST_CONTAINER=1 to build and run the image';
}

/** A build context as a clean checkout would give, plus this machine's node_modules (no registry inside builds here). */
async function stageContext(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-image-'));
  const files = (await run('git', ['ls-files', '-z'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })).stdout
    .split('\0')
    .filter(Boolean);
  for (const file of files) await cp(join(ROOT, file), join(dir, file), { recursive: true }).catch(() => undefined);
  await cp(join(ROOT, 'node_modules'), join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  const ignore = await readFile(join(ROOT, '.containerignore'), 'utf8');
  await writeFile(join(dir, '.containerignore'), ignore.replace(/^node_modules$/m, ''));
  return dir;
}

async function healthy(base: string): Promise<void> {
  await until(
    async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200,
    'the container answers /healthz',
    60_000,
    100,
  );
}

async function countRead(base: string, slug: string): Promise<void> {
  const page = await (await fetch(`${base}/post/${slug}`)).text();
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
  assert.ok(token, 'the page carries its page-view token');
  const client = await connectPhoenix(base, token);
  try {
    const channel = client.socket.channel(`post:${slug}`, {});
    assert.equal((await joinChannel(channel)).status, 'ok');
    let reply = await push(channel, 'reader', { csrf_token: token, automated: false });
    await until(async () => {
      if (reply.status !== 'ok' && reply.response.reason === 'too_early')
        reply = await push(channel, 'reader', { csrf_token: token, automated: false });
      return reply.status === 'ok' || reply.response.reason !== 'too_early';
    }, 'a decided read');
    assert.deepEqual(reply, { status: 'ok', response: {} });
  } finally {
    await client.disconnect();
  }
}

// Building takes minutes on a busy machine (the build stage copies node_modules twice): above the suite's 3 min default.
test('the image builds, serves, counts a read and keeps it on its volume across a restart', {
  timeout: 20 * 60_000,
}, async (t) => {
  const skip = skipReason();
  if (skip) {
    console.log(`# ${skip}`);
    return t.skip(skip);
  }
  const id = randomUUID().slice(0, 8);
  const image = `localhost/readcount:e2e-${id}`;
  const name = `readcount-e2e-${id}`;
  const volume = `readcount-e2e-${id}`;
  const context = await stageContext();
  try {
    // The stand-in for node:24-slim, with the Node running this test (cached by podman once built).
    const node = dirname(dirname(process.execPath));
    const base = (await run('bash', [join(ROOT, 'scripts/container-base.sh'), node], { maxBuffer: 1 << 26 })).stdout
      .trim()
      .split('\n')
      .pop();
    assert.ok(base);
    await podman('build', ...LIMITS, '--format', 'docker', '--build-arg', `NODE_IMAGE=${base}`, '-t', image, context);
    const [inspected] = JSON.parse(await podman('image', 'inspect', image)) as {
      Config: { User: string; Volumes: object };
      Healthcheck?: unknown;
    }[];
    assert.equal(inspected?.Config.User, 'readcount');
    assert.ok('/data' in (inspected?.Config.Volumes ?? {}), 'VOLUME /data');
    assert.match(JSON.stringify(inspected?.Healthcheck), /healthz/, 'HEALTHCHECK kept (--format docker)');

    const port = await freePort();
    await podman(
      'run',
      '-d',
      '--name',
      name,
      ...LIMITS,
      '-p',
      `127.0.0.1:${port}:4000`,
      '-v',
      `${volume}:/data`,
      '-e',
      'READ_AFTER_MS=50',
      '-e',
      'COUNT_MODE=every-read',
      image,
    );
    const url = `http://127.0.0.1:${port}`;
    await healthy(url);
    assert.equal(await podman('exec', name, 'id', '-un'), 'readcount');
    const index = await (await fetch(`${url}/`)).text();
    const slug = /href="\/post\/([^"]+)"/.exec(index)?.[1];
    assert.ok(slug, 'the example site lists a post');
    await countRead(url, slug);
    assert.equal(((await (await fetch(`${url}/api/posts/${slug}`)).json()) as { total: number }).total, 1);

    await podman('stop', '-t', '20', name);
    assert.equal(await podman('inspect', '--format', '{{.State.ExitCode}}', name), '0', 'SIGTERM: drained, exit 0');
    assert.match(await podman('logs', name), /SIGTERM: closing live sockets and committing pending reads/);
    await podman('start', name);
    await healthy(url);
    const after = (await (await fetch(`${url}/api/posts/${slug}`)).json()) as { total: number };
    assert.equal(after.total, 1, 'the read survived the restart on the volume');
  } finally {
    await podman('rm', '-f', '-t', '0', name).catch(() => undefined);
    await podman('volume', 'rm', '-f', volume).catch(() => undefined);
    await podman('rmi', '-f', image).catch(() => undefined);
    // The build stage's image, left untagged for the layer cache; labelled in the Containerfile so only it goes.
    await podman('image', 'prune', '-f', '--filter', 'label=org.readcount.stage=build').catch(() => undefined);
    await rm(context, { recursive: true, force: true });
  }
});
