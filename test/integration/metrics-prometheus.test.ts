// /metrics over real HTTP: the named series exist, move when reads and refusals happen, and METRICS_TOKEN guards them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { freshView } from '../helpers/read-claims.js';
import { readPost, untilTotal } from '../helpers/reads.js';
import { until } from '../helpers/wait.js';

const TOKEN = 'metrics-secret-token';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus /metrics', () => {
  let server: TestServer;
  const scrape = async () => {
    const response = await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', METRICS_TOKEN: TOKEN });
  });
  after(() => server.close());

  test('without the bearer token: 401', async () => {
    assert.equal((await fetch(`${server.base}/metrics`)).status, 401);
    assert.equal((await fetch(`${server.base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  });

  test('exposes the named series and Node defaults', async () => {
    const text = await scrape();
    for (const name of [
      'readcount_reads_total',
      'readcount_reads_refused_total',
      'readcount_live_connections',
      'readcount_live_channels_joined',
      'readcount_broadcasts_total',
      'readcount_store_commit_duration_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
  });

  test('reads, commits, broadcasts, connections and refusals move the series', async () => {
    const before = await scrape();
    const reads0 = sample(before, 'readcount_reads_total') ?? 0;
    const commits0 = sample(before, 'readcount_store_commit_duration_seconds_count{store="sqlite"}') ?? 0;
    const broadcasts0 = sample(before, 'readcount_broadcasts_total') ?? 0;
    await readPost(server, 'hello');
    await readPost(server, 'second-post');
    await untilTotal(server, 'second-post', 1);

    const token = await pageToken(server.base, 'hello');
    const client = await LiveClient.open(server.wsUrl, token);
    await client.join('post:hello');
    const refused = await client.request('post:hello', 'reader', { csrf_token: 'forged.token' }, '1');
    assert.equal(refused.response.reason, 'invalid_token');
    let text = '';
    await until(async () => {
      text = await scrape();
      return (sample(text, 'readcount_broadcasts_total') ?? 0) >= broadcasts0 + 2;
    }, 'broadcasts to be counted');
    assert.equal(sample(text, 'readcount_reads_total'), reads0 + 2);
    assert.ok((sample(text, 'readcount_store_commit_duration_seconds_count{store="sqlite"}') ?? 0) > commits0);
    assert.equal(sample(text, 'readcount_reads_refused_total{reason="invalid_token"}'), 1);
    assert.equal(sample(text, 'readcount_live_connections'), 1);
    assert.equal(sample(text, 'readcount_live_channels_joined{kind="post"}'), 1);
    client.close();
    await until(async () => sample(await scrape(), 'readcount_live_connections') === 0, 'the connection gauge to drop');
    assert.equal(sample(await scrape(), 'readcount_live_channels_joined{kind="post"}'), 0);
  });
});

describe('Prometheus /metrics: dropped reads and the posts channel', () => {
  let server: TestServer;
  const scrape = async () =>
    (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', METRICS_TOKEN: TOKEN, PENDING_READS_MAX: '2' });
  });
  after(() => server.close());

  test('reads dropped from a full buffer are counted as dropped, not as failed commits', async () => {
    // Five reads in one tick: the commit takes its batch on the next turn, so three overflow PENDING_READS_MAX=2.
    for (let i = 0; i < 5; i += 1) void server.readcount.counter.submit('hello', freshView());
    await untilTotal(server, 'hello', 2);
    const text = await scrape();
    assert.equal(sample(text, 'readcount_reads_dropped_total'), 3);
    assert.equal(sample(text, 'readcount_store_errors_total'), 0, 'every commit succeeded');
  });

  test('joining the posts channel moves the posts gauge, leaving moves it back', async () => {
    const client = await LiveClient.open(server.wsUrl, await pageToken(server.base));
    assert.equal((await client.join('posts')).status, 'ok');
    let text = await scrape();
    assert.equal(sample(text, 'readcount_live_channels_joined{kind="posts"}'), 1);
    assert.equal(sample(text, 'readcount_live_joins_total{kind="posts"}'), 1);
    client.close();
    await until(
      async () => sample((text = await scrape()), 'readcount_live_channels_joined{kind="posts"}') === 0,
      'the posts gauge to drop',
    );
  });
});
