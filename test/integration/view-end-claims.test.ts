// End-of-view reports take no claim by asking: only a counted view of a joined page, once, durably (real SQLite file, restart).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { utcDay } from '../../src/store/store.js';
import { LiveClient, pageToken } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

interface Running {
  readonly readcount: Readcount;
  readonly base: string;
  readonly wsUrl: string;
}

async function serve(root: string): Promise<Running> {
  const config = readConfig({
    POSTS_DIR: join(root, 'posts'),
    DATA_DIR: join(root, 'data'),
    LOG_LEVEL: 'silent',
    COUNT_MODE: 'every-read',
    HTTP_RATE_LIMIT: '0',
  });
  const readcount = await createReadcount(config, { watch: false });
  await readcount.app.listen({ port: 0, host: '127.0.0.1' });
  const address = readcount.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    readcount,
    base: `http://127.0.0.1:${address.port}`,
    wsUrl: `ws://127.0.0.1:${address.port}/live/websocket`,
  };
}

async function beacon(base: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/api/view-end`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, visible_ms: 4000, depth: 0.5 }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const refused = (reason: string) => ({ status: 422, body: { error: 'view_end_refused', reason } });
/** Accepted (202); visible_ms is clamped to the page view's age on the server clock, so only `ok` is compared. */
const accepted = async (answer: Promise<{ status: number; body: Record<string, unknown> }>, message?: string) => {
  const { status, body } = await answer;
  assert.deepEqual({ status, ok: body.ok }, { status: 202, ok: true }, message);
};

/** The post's engagement fields today, once every queued increment is committed. */
async function fields(running: Running): Promise<Record<string, number>> {
  await running.readcount.counter.drain();
  const today = utcDay(Date.now());
  const [day] = await running.readcount.store.engagement('hello', today, today);
  return day?.fields ?? {};
}

/** How many reports the histograms hold: time buckets and depth buckets, summed. */
const reportFields = (all: Record<string, number>) => {
  const sum = (kind: string) =>
    Object.entries(all)
      .filter(([field]) => new RegExp(`^${kind}\\d+$`).test(field))
      .reduce((total, [, count]) => total + count, 0);
  return { time: sum('t'), depth: sum('d') };
};

/** Joins the post with the page's token and waits until its view is committed. */
async function joinAndCount(running: Running, token: string, views: number): Promise<LiveClient> {
  const client = await LiveClient.open(running.wsUrl, token);
  assert.equal((await client.join('post:hello')).status, 'ok');
  await until(async () => (await fields(running)).v === views, `view ${views} committed`);
  return client;
}

describe('POST /api/view-end', () => {
  let root: string;
  let running: Running;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-view-end-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
    running = await serve(root);
  });
  after(async () => {
    await running.readcount.close();
    await rm(root, { recursive: true, force: true });
  });

  test('a page view that never joined: the first and the second beacon are refused, nothing is stored', async () => {
    const token = await pageToken(running.base, 'hello');
    assert.deepEqual(await beacon(running.base, token), refused('not_viewed'));
    assert.deepEqual(await beacon(running.base, token), refused('not_viewed'), 'asking did not make it a view');
    assert.deepEqual(reportFields(await fields(running)), { time: 0, depth: 0 });
  });

  test('a Googlebot page view that joined is no view, and its reports are refused', async () => {
    const token = await pageToken(running.base, 'hello', { 'user-agent': GOOGLEBOT });
    const bot = await LiveClient.open(running.wsUrl, token, { userAgent: GOOGLEBOT });
    assert.equal((await bot.join('post:hello')).status, 'ok');
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await beacon(running.base, token), refused('not_viewed'));
    assert.deepEqual(await bot.request('post:hello', 'leave_report', { visible_ms: 1000 }), {
      status: 'error',
      response: { reason: 'not_viewed' },
    });
    assert.deepEqual(reportFields(await fields(running)), { time: 0, depth: 0 });
    assert.equal((await fields(running)).v, undefined, 'no view counted');
    bot.close();
  });

  test('a joined, counted page view gets exactly one report, also after a restart', async () => {
    const first = await pageToken(running.base, 'hello');
    const second = await pageToken(running.base, 'hello');
    (await joinAndCount(running, first, 1)).close();
    (await joinAndCount(running, second, 2)).close();
    await accepted(beacon(running.base, first));
    assert.deepEqual(await beacon(running.base, first), refused('already_reported'));
    assert.deepEqual(reportFields(await fields(running)), { time: 1, depth: 1 });

    // The claims are in DATA_DIR/readcount.db, not in the process: a restart forgets neither the view nor its report.
    await running.readcount.close();
    running = await serve(root);
    assert.deepEqual(await beacon(running.base, first), refused('already_reported'));
    await accepted(beacon(running.base, second), 'its view counted before the restart');
    assert.deepEqual(await beacon(running.base, second), refused('already_reported'));
    assert.deepEqual(reportFields(await fields(running)), { time: 2, depth: 2 });
  });

  test('a page view rejoining after a restart is not a new view', async () => {
    const token = await pageToken(running.base, 'hello');
    const before = (await fields(running)).v ?? 0;
    (await joinAndCount(running, token, before + 1)).close();
    await running.readcount.close();
    running = await serve(root);
    const again = await LiveClient.open(running.wsUrl, token);
    assert.equal((await again.join('post:hello')).status, 'ok');
    // A fresh page view joined after the rejoin: its view commits in the same commit as the rejoin's, or a later one.
    (await joinAndCount(running, await pageToken(running.base, 'hello'), before + 2)).close();
    assert.equal((await fields(running)).v, before + 2, 'the rejoin after the restart counted no view');
    again.close();
  });
});
