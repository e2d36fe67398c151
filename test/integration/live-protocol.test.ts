// Phoenix V2 frame decoding/encoding edge cases and page-view tokens (forged, expired, malformed, other page).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import {
  decodeFrame,
  encodeFrame,
  encodeReply,
  MAX_EVENT_LENGTH,
  MAX_REF_LENGTH,
  MAX_TOPIC_LENGTH,
} from '../../src/live/protocol.js';
import { TokenSigner } from '../../src/live/token.js';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

const KEY = 'k'.repeat(48);

describe('decodeFrame', () => {
  test('accepts a V2 frame as the phoenix client sends it', () => {
    assert.deepEqual(decodeFrame('["3","4","post:hello","phx_join",{}]'), {
      joinRef: '3',
      ref: '4',
      topic: 'post:hello',
      event: 'phx_join',
      payload: {},
    });
    assert.deepEqual(decodeFrame('[null,"5","phoenix","heartbeat",{}]'), {
      joinRef: null,
      ref: '5',
      topic: 'phoenix',
      event: 'heartbeat',
      payload: {},
    });
    assert.deepEqual(decodeFrame(' [null,null,"t","e",{"a":[1,{"b":null}]}] ')?.payload, { a: [1, { b: null }] });
  });

  test('accepts the size limits exactly and refuses one past them', () => {
    const ref = 'r'.repeat(MAX_REF_LENGTH);
    const topic = 't'.repeat(MAX_TOPIC_LENGTH);
    const event = 'e'.repeat(MAX_EVENT_LENGTH);
    assert.ok(decodeFrame(JSON.stringify([ref, ref, topic, event, {}])));
    assert.equal(decodeFrame(JSON.stringify([`${ref}x`, '1', 't', 'e', {}])), null);
    assert.equal(decodeFrame(JSON.stringify(['1', `${ref}x`, 't', 'e', {}])), null);
    assert.equal(decodeFrame(JSON.stringify(['1', '1', `${topic}x`, 'e', {}])), null);
    assert.equal(decodeFrame(JSON.stringify(['1', '1', 't', `${event}x`, {}])), null);
  });

  const refused: [string, string][] = [
    ['empty text', ''],
    ['not JSON', '["1","1","t","e",{}'],
    ['a JSON object (V1 serializer)', '{"topic":"t","event":"e","payload":{},"ref":"1"}'],
    ['a string', '"hello"'],
    ['null', 'null'],
    ['four elements', '["1","1","t","e"]'],
    ['six elements', '["1","1","t","e",{},1]'],
    ['numeric join_ref', '[1,"1","t","e",{}]'],
    ['numeric ref', '["1",2,"t","e",{}]'],
    ['object ref', '["1",{},"t","e",{}]'],
    ['empty topic', '["1","1","","e",{}]'],
    ['numeric topic', '["1","1",7,"e",{}]'],
    ['empty event', '["1","1","t","",{}]'],
    ['null event', '["1","1","t",null,{}]'],
    ['array payload', '["1","1","t","e",[]]'],
    ['null payload', '["1","1","t","e",null]'],
    ['string payload', '["1","1","t","e","x"]'],
    ['number payload', '["1","1","t","e",1]'],
  ];
  for (const [what, text] of refused) {
    test(`refuses ${what}`, () => assert.equal(decodeFrame(text), null));
  }

  test('a __proto__ key in the payload stays plain data', () => {
    const frame = decodeFrame('["1","1","t","e",{"__proto__":{"polluted":true}}]');
    assert.ok(frame);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('encodeFrame / encodeReply', () => {
  test('encodes the V2 array and round-trips through decodeFrame', () => {
    const text = encodeFrame('1', '2', 'post:ünï', 'count', { count: 3 });
    assert.equal(text, '["1","2","post:ünï","count",{"count":3}]');
    assert.deepEqual(decodeFrame(text), {
      joinRef: '1',
      ref: '2',
      topic: 'post:ünï',
      event: 'count',
      payload: { count: 3 },
    });
    assert.equal(
      encodeFrame(null, null, 'posts', 'count', { slug: 'a', count: 1 }),
      '[null,null,"posts","count",{"slug":"a","count":1}]',
    );
  });

  test('a reply carries the refs of the frame it answers', () => {
    const frame = decodeFrame('["7","9","post:a","reader",{}]');
    assert.ok(frame);
    assert.equal(
      encodeReply(frame, 'error', { reason: 'too_early' }),
      '["7","9","post:a","phx_reply",{"status":"error","response":{"reason":"too_early"}}]',
    );
  });

  test('strings that need escaping survive', () => {
    const payload = { text: '"quoted" \\ </script> \u2028 \u0000' };
    assert.deepEqual(decodeFrame(encodeFrame(null, null, 't', 'e', payload))?.payload, payload);
  });
});

describe('TokenSigner', () => {
  let clock = 1_700_000_000_000;
  const signer = new TokenSigner(KEY, 60_000, () => clock);
  const mac = (body: string, key = KEY): string => createHmac('sha256', key).update(body).digest('base64url');
  const b64 = (value: unknown): string =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

  test('a fresh token verifies and names its page and a random view', () => {
    const token = signer.issue('post:hello');
    const check = signer.verify(token);
    assert.ok(check.ok);
    assert.equal(check.pageView.page, 'post:hello');
    assert.equal(check.pageView.issuedAt, clock);
    assert.match(check.pageView.view, /^[A-Za-z0-9_-]{16}$/);
    const other = signer.verify(signer.issue('post:hello'));
    assert.ok(other.ok);
    assert.notEqual(other.pageView.view, check.pageView.view, 'every page load is its own view');
  });

  test('a token for another page verifies as that page (the channel refuses it for this post)', () => {
    const check = signer.verify(signer.issue('post:other'));
    assert.ok(check.ok);
    assert.notEqual(check.pageView.page, 'post:hello');
    const index = signer.verify(signer.issue('index'));
    assert.ok(index.ok && index.pageView.page === 'index');
  });

  test('forged: another key, a changed body, a changed or truncated MAC', () => {
    const token = signer.issue('post:hello');
    const [body, sig] = token.split('.') as [string, string];
    assert.deepEqual(new TokenSigner('x'.repeat(48), 60_000, () => clock).verify(token), {
      ok: false,
      reason: 'forged',
    });
    const otherBody = b64(['post:other', 'view', clock]);
    assert.deepEqual(signer.verify(`${otherBody}.${sig}`), { ok: false, reason: 'forged' });
    const flipped = `${sig.slice(0, -2)}${sig.at(-2) === 'A' ? 'B' : 'A'}${sig.at(-1)}`;
    assert.deepEqual(signer.verify(`${body}.${flipped}`), { ok: false, reason: 'forged' });
    assert.deepEqual(signer.verify(`${body}.${sig.slice(0, 10)}`), { ok: false, reason: 'forged' });
    assert.deepEqual(signer.verify(`${body}.`), { ok: false, reason: 'forged' });
  });

  test("non-canonical: the signature's last character changed only in its unused bits is forged", () => {
    const token = signer.issue('post:hello');
    const [body, sig] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 32 bytes are 43 characters: the last carries 2 bits of the MAC and 4 unused ones.
    const last = alphabet.indexOf(sig.at(-1) ?? '');
    const altered = `${sig.slice(0, -1)}${alphabet[last ^ 0b0001]}`;
    assert.deepEqual(
      Buffer.from(altered, 'base64url'),
      Buffer.from(sig, 'base64url'),
      'both spellings decode to the same bytes',
    );
    assert.deepEqual(signer.verify(`${body}.${altered}`), { ok: false, reason: 'forged' });
    assert.ok(signer.verify(token).ok, 'the canonical spelling still verifies');
  });

  test('expired: older than the max age, or issued more than a minute in the future', () => {
    const start = clock;
    const token = signer.issue('post:hello');
    clock = start + 60_000;
    assert.ok(signer.verify(token).ok, 'valid up to the max age');
    clock = start + 60_001;
    assert.deepEqual(signer.verify(token), { ok: false, reason: 'expired' });
    clock = start;
    const future = b64(['post:hello', 'view', start + 61_000]);
    assert.deepEqual(signer.verify(`${future}.${mac(future)}`), { ok: false, reason: 'expired' });
    const slightlyAhead = b64(['post:hello', 'view', start + 30_000]);
    assert.ok(
      signer.verify(`${slightlyAhead}.${mac(slightlyAhead)}`).ok,
      'small clock skew between instances is tolerated',
    );
  });

  test('malformed: not a string, no dot, too long, a signed body that is not the expected shape', () => {
    for (const token of [undefined, null, 42, {}, ['a.b'], '', 'nodot', '.sig-only', 'x'.repeat(513)]) {
      assert.deepEqual(signer.verify(token), { ok: false, reason: 'malformed' }, JSON.stringify(token));
    }
    for (const fields of [
      'not json',
      { page: 'post:a' },
      ['post:a', 'view'],
      ['post:a', 'view', 'yesterday'],
      [1, 'view', clock],
      ['post:a', 2, clock],
    ]) {
      const body = b64(fields);
      assert.deepEqual(
        signer.verify(`${body}.${mac(body)}`),
        { ok: false, reason: 'malformed' },
        JSON.stringify(fields),
      );
    }
  });
});

// Each case is written against Phoenix's own answers (phoenixframework/phoenix lib/phoenix/socket.ex, handle_in/4 and
// __connect__/3), frame by frame on the wire.
describe('Phoenix-exact replies on the wire', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startServer({ LIVE_MAX_CHANNELS: '2' });
    token = await pageToken(server.base, 'hello');
  });
  after(() => server.close());

  /**
   * Sends frames, then a heartbeat, and resolves with every frame the server sent in answer before the heartbeat's
   * reply (frames of one socket are answered in order). Broadcasts (`count`, `presence`: both refs null) are left out.
   */
  async function exchange(client: LiveClient, frames: unknown[][]): Promise<unknown[][]> {
    const from = client.messages.length;
    for (const frame of frames) client.send(JSON.stringify(frame));
    await client.request('phoenix', 'heartbeat');
    const sent = client.messages.slice(from);
    const end = sent.findIndex((message) => message[2] === 'phoenix');
    return sent.slice(0, end).filter((message) => message[1] !== null);
  }

  test('a push to a topic not joined: join_ref null and reason "unmatched topic"', async () => {
    const client = await LiveClient.open(server.wsUrl, token);
    assert.deepEqual(await exchange(client, [['9', '1', 'post:hello', 'reader', {}]]), [
      [null, '1', 'post:hello', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
    ]);
    client.close();
  });

  test('a join of a topic no channel is registered for: join_ref null and reason "unmatched topic"', async () => {
    const client = await LiveClient.open(server.wsUrl, token);
    assert.deepEqual(await exchange(client, [['3', '3', 'room:lobby', 'phx_join', {}]]), [
      [null, '3', 'room:lobby', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
    ]);
    client.close();
  });

  test('phx_leave on a topic not joined: ok, echoing join_ref, and no phx_close', async () => {
    const client = await LiveClient.open(server.wsUrl, token);
    assert.deepEqual(await exchange(client, [['4', '5', 'post:hello', 'phx_leave', {}]]), [
      ['4', '5', 'post:hello', 'phx_reply', { status: 'ok', response: {} }],
    ]);
    client.close();
  });

  test('a push or leave carrying a stale join_ref is ignored: no reply at all', async () => {
    const client = await LiveClient.open(server.wsUrl, token);
    assert.equal((await client.request('post:hello', 'phx_join', {}, 'A')).status, 'ok');
    assert.equal((await client.request('post:hello', 'phx_join', {}, 'B')).status, 'ok');
    const frames = await exchange(client, [
      ['A', '10', 'post:hello', 'reader', { csrf_token: token }],
      ['A', '11', 'post:hello', 'phx_leave', {}],
    ]);
    assert.deepEqual(frames, []);
    assert.equal((await client.request('post:hello', 'phx_leave', {}, 'B')).status, 'ok', 'the current join is intact');
    client.close();
  });

  test('a duplicate join: the new join is answered first, then phx_close on the old join_ref', async () => {
    const client = await LiveClient.open(server.wsUrl, token);
    assert.equal((await client.request('post:hello', 'phx_join', {}, 'A')).status, 'ok');
    const frames = await exchange(client, [['B', '21', 'post:hello', 'phx_join', {}]]);
    assert.deepEqual(
      frames.map((frame) => [frame[0], frame[1], frame[3]]),
      [
        ['B', '21', 'phx_reply'],
        ['A', 'A', 'phx_close'],
      ],
    );
    // The new join's reply (reader ghosts add their own fields: `ghost`, `ghosts`).
    const reply = frames[0]?.[4] as { status: string; response: Record<string, unknown> } | undefined;
    const { status, response } = reply ?? { status: 'none', response: {} };
    assert.deepEqual(
      { status, count: response.count, reading: response.reading },
      { status: 'ok', count: 0, reading: 1 },
    );
    client.close();
  });

  test('the channel limit: join_ref echoed and reason "too many channels joined"', async () => {
    // A page-view token joins only its own post, so the limit is shown at 1 (this suite's server allows 2).
    const single = await startServer({ LIVE_MAX_CHANNELS: '1' });
    try {
      const client = await LiveClient.open(single.wsUrl, await pageToken(single.base, 'hello'));
      assert.equal((await client.join('post:hello')).status, 'ok');
      assert.deepEqual(await exchange(client, [['30', '31', 'post:second-post', 'phx_join', {}]]), [
        [
          '30',
          '31',
          'post:second-post',
          'phx_reply',
          { status: 'error', response: { reason: 'too many channels joined' } },
        ],
      ]);
      client.close();
    } finally {
      await single.close();
    }
  });

  /** The HTTP status of an upgrade with `query`, or 101 when it opens. */
  async function upgradeStatus(query: string): Promise<number> {
    const ws = new WebSocket(`${server.wsUrl}?_csrf_token=${encodeURIComponent(token)}${query}`);
    let status = 0;
    ws.once('open', () => {
      status = 101;
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) => {
      status = response.statusCode ?? -1;
      response.resume();
      ws.terminate();
    });
    ws.on('error', () => undefined);
    await until(() => status !== 0, `the answer to ${query || 'no vsn'}`);
    return status;
  }

  test('vsn: 2.0.x is served; missing (read as 1.0.0, the V1 serializer), 1.0.0, 3.0.0 or garbage get 403', async () => {
    assert.equal(await upgradeStatus('&vsn=2.0.0'), 101);
    assert.equal(await upgradeStatus(''), 403);
    assert.equal(await upgradeStatus('&vsn=1.0.0'), 403);
    assert.equal(await upgradeStatus('&vsn=3.0.0'), 403);
    assert.equal(await upgradeStatus('&vsn=abc'), 403);
  });
});
