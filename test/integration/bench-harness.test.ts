// The bench scenarios run at tiny sizes so the harness can't rot: each one runs, measures, and fails against a broken server.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClientPool } from '../../bench/lib/client-pool.js';
import { TINY } from '../../bench/lib/context.js';
import { type ReadcountProcess, startReadcount, type Target } from '../../bench/lib/processes.js';
import { formatTable } from '../../bench/lib/report.js';
import { measureBigBlog } from '../../bench/scenarios/big-blog.js';
import { measureColdStart } from '../../bench/scenarios/cold-start.js';
import { measureEncodings } from '../../bench/scenarios/compressed-serving.js';
import { detsRate, hasErl, readCounterRate } from '../../bench/scenarios/dets.js';
import { measureBareFanOut, measureFanOut } from '../../bench/scenarios/fan-out.js';
import { measureIdleViewers } from '../../bench/scenarios/idle-viewers.js';
import { measureBareIngest, measureIngest } from '../../bench/scenarios/ingest.js';
import { rawSqliteRate } from '../../bench/scenarios/ingest-sqlite.js';
import { autocannon, measurePage } from '../../bench/scenarios/page-serving.js';
import { measureSearch } from '../../bench/scenarios/search.js';
import { measureBareSpike, measureSpike } from '../../bench/scenarios/viral-spike.js';

const positive = (value: number, what: string) =>
  assert.ok(Number.isFinite(value) && value > 0, `${what} should be a positive number, got ${value}`);

describe('bench harness against a real readcount (tiny sizes)', () => {
  let readcount: ReadcountProcess;
  let pool: ClientPool;
  before(async () => {
    readcount = await startReadcount();
    pool = new ClientPool(TINY.workers);
  });
  after(async () => {
    await pool?.close();
    await readcount?.stop();
  });

  it('fan-out: one latency per read, and the bare baseline too', async () => {
    const ours = await measureFanOut(readcount, pool, TINY.viewers, TINY.fanoutReads, TINY.timeoutMs);
    const theirs = await measureBareFanOut(pool, TINY.viewers, TINY.fanoutReads, TINY.timeoutMs);
    assert.equal(ours.length, TINY.fanoutReads);
    assert.equal(theirs.length, TINY.fanoutReads);
    for (const value of [...ours, ...theirs]) positive(value, 'fan-out latency');
  });

  it('viral spike: every viewer ends on the exact count, heartbeats answered, pushes counted', async () => {
    const figures = await measureSpike(readcount, pool, {
      viewers: TINY.viewers,
      rate: TINY.spikeRate,
      seconds: TINY.spikeSeconds,
      heartbeatClients: TINY.heartbeatClientsPerWorker,
      timeoutMs: TINY.timeoutMs,
    });
    assert.equal(figures.exact, TINY.viewers);
    assert.equal(figures.reads, TINY.spikeRate * TINY.spikeSeconds);
    assert.equal(figures.heartbeatsMissing, 0);
    positive(figures.heartbeatP99, 'heartbeat p99');
    positive(figures.maxPushesPerSecond, 'pushes per second');
  });

  it('viral spike, bare baseline: its viewers end on the count of the reader frames it took', async () => {
    const figures = await measureBareSpike(pool, {
      viewers: TINY.viewers,
      rate: TINY.spikeRate,
      seconds: TINY.spikeSeconds,
      heartbeatClients: TINY.heartbeatClientsPerWorker,
      timeoutMs: TINY.timeoutMs,
    });
    assert.equal(figures.reads, TINY.spikeRate * TINY.spikeSeconds);
    assert.equal(figures.exact, TINY.viewers);
    assert.equal(figures.heartbeatsMissing, 0);
    positive(figures.achievedRate, 'bare spike rate');
  });

  it('ingest: readcount, the bare server and the raw store each give a rate', async () => {
    positive(await measureIngest(readcount, pool, TINY, true), 'readcount ingest');
    positive(await measureBareIngest(pool, TINY), 'bare ingest');
    positive(await rawSqliteRate(TINY.sqliteSeconds, 10), 'raw sqlite');
  });

  it('search: percentiles in order over every query of every round on a generated blog', async () => {
    const figures = await measureSearch(TINY.searchPosts[0] ?? 30, TINY.searchRounds, TINY.timeoutMs);
    assert.equal(figures.requests, TINY.searchRounds * 4);
    positive(figures.p50, 'search p50');
    assert.ok(figures.p50 <= figures.p95 && figures.p95 <= figures.p99, JSON.stringify(figures));
  });

  it('compression: a post page in gzip and in br is smaller than without, and each encoding has a rate', async () => {
    const url = `${readcount.http}/post/${readcount.slug}`;
    const figures = await measureEncodings(url, 1, TINY.httpConnections, TINY.timeoutMs, 1);
    assert.ok(
      figures.bytes.gzip < figures.bytes.none && figures.bytes.br < figures.bytes.none,
      JSON.stringify(figures),
    );
    for (const kind of ['none', 'gzip', 'br'] as const) positive(figures.rates[kind][0] ?? 0, `${kind} req/s`);
    positive(figures.ratios.gzip, 'gzip ratio');
  });

  it('idle viewers: RSS per viewer is measured from the server process', async () => {
    const perViewer = await measureIdleViewers(readcount, pool, TINY.viewers, false, TINY.timeoutMs);
    assert.ok(Number.isFinite(perViewer), `RSS per viewer: ${perViewer}`);
  });

  it('page serving: autocannon reports a rate for a post page', async () => {
    positive(
      await measurePage(`${readcount.http}/post/${readcount.slug}`, TINY.httpSeconds, TINY.httpConnections),
      'req/s',
    );
  });
});

describe('bench harness against a server that never answers', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let target: Target;
  before(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    target = {
      http: `http://127.0.0.1:${port}`,
      ws: `ws://127.0.0.1:${port}/live/websocket`,
      secretKey: 'x'.repeat(32),
      slug: 'counting-reads-honestly',
    };
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fan-out and ingest fail instead of hanging or reporting a number', async () => {
    const pool = new ClientPool(1);
    try {
      await assert.rejects(measureFanOut(target, pool, 3, 1, 500), /clients connected/);
      await assert.rejects(
        measureIngest(target, pool, { ...TINY, ingestClients: 2, timeoutMs: 500 }, true),
        /clients connected/,
      );
    } finally {
      await pool.close();
    }
  });

  it('page serving fails when no request is answered', async () => {
    await assert.rejects(autocannon(`${target.http}/post/x`, 1, 2));
  });
});

describe('bench harness: cold start, DETS and the table', () => {
  it('cold start serves a generated blog and reports time and RSS', async () => {
    const { readyMs, rss } = await measureColdStart(TINY.coldPosts, 60_000);
    positive(readyMs, 'ready ms');
    positive(rss, 'rss');
  });

  it('the big blog fetches every generated post, measures each listing and says which routes it skipped', async () => {
    const notes: string[] = [];
    const figures = await measureBigBlog(TINY.bigBlogPosts[0] ?? 10, 60_000, (line) => notes.push(line));
    positive(figures.startMs, 'start ms');
    positive(figures.rssAllFetchedMiB, 'RSS after every post');
    positive(figures.firstFetchP99Ms, 'first fetch p99');
    positive(figures.checkMs, 'check ms');
    const measured = figures.routes.map((route) => route.path);
    for (const path of ['/', '/tags/rust', '/feed.xml', '/stats?days=365']) assert.ok(measured.includes(path), path);
    for (const route of figures.routes) assert.ok(route.brKib < route.kib, `${route.path} is compressed`);
    // The feed's size target is compressed bytes, so it is measured as a browser asks for it.
    const feed = figures.routes.find((route) => route.path === '/feed.xml');
    assert.ok(feed && feed.encoding !== 'identity' && feed.wireKib < feed.kib, 'the feed is measured compressed');
    // A route this checkout does not have is reported, never silently dropped.
    for (const path of ['/archive', '/search?q=counter'])
      assert.ok(measured.includes(path) || notes.some((note) => note.includes(path)), path);
  });

  it('DETS rate comes from erl, or says erl is missing', async (t) => {
    if (!hasErl()) return t.skip('erl is not installed; the bench prints the DETS row as skipped');
    positive(await detsRate(TINY.detsIncrements), 'dets increments/s');
  });

  it("readcount's counting path commits every increment and gives a rate", async () => {
    positive(await readCounterRate(TINY.detsIncrements), 'ReadCounter increments/s');
  });

  it('formats rows, including skipped ones', () => {
    const table = formatTable([
      { scenario: 'a', readcount: 1500, baseline: 1000, ratio: 1.5, unit: 'x/s', target: '≥ 1×', pass: true },
      { scenario: 'b', unit: '', target: '≥ 0.4×', note: 'pending: needs REDIS_URL' },
    ]);
    assert.match(table, /1,500 x\/s .* 1\.5× .* pass/);
    assert.match(table, /pending: needs REDIS_URL/);
  });
});
