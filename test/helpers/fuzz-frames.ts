// Frame fuzzing for the live socket: a seeded generator of valid, mutated and broken frames, and an oracle for each one's fate.
import { isUtf8 } from 'node:buffer';
import { MAX_EVENT_LENGTH, MAX_REF_LENGTH, MAX_TOPIC_LENGTH } from '../../src/live/protocol.js';

/** mulberry32: small, fast, reproducible from one seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzFrame {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

/** What the server must do with a frame: answer it with one phx_reply, or close with this code. */
export type Fate = 'reply' | number;

const isRef = (v: unknown) => v === null || (typeof v === 'string' && v.length <= MAX_REF_LENGTH);
const isText = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;

/** The documented rules (src/errors.ts, protocol.ts), written out independently of the server's decoder. */
export function fateOf(frame: FuzzFrame, maxFrameBytes: number): Fate {
  const bytes = typeof frame.data === 'string' ? Buffer.from(frame.data) : frame.data;
  if (bytes.length > maxFrameBytes) return 1009;
  if (frame.binary) return 1003;
  if (!isUtf8(bytes)) return 1007;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 4400;
  }
  if (!Array.isArray(value) || value.length !== 5) return 4400;
  const [joinRef, ref, topic, event, payload] = value as unknown[];
  if (!isRef(joinRef) || !isRef(ref) || !isText(topic, MAX_TOPIC_LENGTH) || !isText(event, MAX_EVENT_LENGTH))
    return 4400;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 4400;
  return 'reply';
}

const NASTY = [
  '',
  '../',
  '..\\..\\etc\\passwd',
  'post:../hello',
  'post:hello/../second-post',
  'post:hello\u0000',
  'post:\r\nSet-Cookie: x=1',
  'post:',
  'post:*',
  'post:%2e%2e%2f',
  'posts ',
  'phoenix',
  'post:HELLO',
  'post:héllo',
  'post:\u202e',
  'post:💥',
  '\ud800',
  '\u0007',
  '__proto__',
  'constructor',
  'post:__proto__',
  'post:constructor',
  'phx_join',
  'phx_leave',
  'heartbeat',
  'reader',
  'phx_reply',
  'count',
  'null',
  '[]',
  '{}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%s%s%n',
  'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗̻',
];

export interface Pools {
  /** Tokens that must never count: forged, for the index, or already used by a counted read. */
  tokens(): string[];
}

export class FrameFuzzer {
  private ref = 0;

  constructor(
    private readonly random: () => number,
    private readonly pools: Pools,
    private readonly maxFrameBytes: number,
  ) {}

  /** ~98% frames the server answers (valid, or well-formed but wrong), ~1.5% that end the connection. */
  next(): FuzzFrame {
    return this.random() < 0.015 ? this.broken() : { data: JSON.stringify(this.mutated()), binary: false };
  }

  /** A frame for the first messages of a connection, so later frames hit joined channels. */
  joinFrame(): FuzzFrame {
    const ref = this.nextRef();
    return {
      data: JSON.stringify([ref, ref, this.pick(['post:hello', 'post:second-post', 'posts']), 'phx_join', {}]),
      binary: false,
    };
  }

  private broken(): FuzzFrame {
    const text = JSON.stringify(this.mutated());
    switch (this.int(8)) {
      case 0:
        return { data: text.slice(0, this.int(text.length)), binary: false };
      case 1:
        return { data: Buffer.from(text), binary: true };
      case 2:
        return { data: this.randomBytes(1 + this.int(300)), binary: this.random() < 0.2 };
      case 3:
        return {
          data: JSON.stringify([null, this.nextRef(), 'phoenix', 'heartbeat', { pad: 'x'.repeat(this.maxFrameBytes) }]),
          binary: false,
        };
      case 4:
        return {
          data: Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(-2))]),
          binary: false,
        };
      case 5: {
        const value = this.mutated() as unknown[];
        value.splice(this.int(5), 1 + this.int(2), ...(this.random() < 0.5 ? [this.value(2)] : []));
        return { data: JSON.stringify(value), binary: false };
      }
      case 6: {
        const value = this.mutated() as unknown[];
        value[this.int(5)] = this.pick([1, true, [], {}, 1.5, -1, 'x'.repeat(300)]);
        return { data: JSON.stringify(value), binary: false };
      }
      default:
        return { data: JSON.stringify(this.value(4)), binary: false };
    }
  }

  /** A valid frame, then up to three shape-keeping mutations of its parts. */
  private mutated(): unknown[] {
    const frame = this.valid();
    for (let i = this.int(4); i > 0; i -= 1) {
      const part = this.int(5);
      if (part <= 1)
        frame[part] = this.pick([null, this.nextRef(), '', '0', 'x'.repeat(MAX_REF_LENGTH), '\u0000', '🙂']);
      else if (part === 2) frame[2] = this.topic();
      else if (part === 3)
        frame[3] = this.pick([
          ...NASTY.filter(Boolean),
          'reader',
          'phx_join',
          'phx_leave',
          'heartbeat',
          this.text(1 + this.int(64)),
        ]);
      else frame[4] = this.payload();
    }
    return frame;
  }

  private valid(): unknown[] {
    const ref = this.nextRef();
    const post = this.pick(['post:hello', 'post:second-post']);
    switch (this.int(6)) {
      case 0:
        return [null, ref, 'phoenix', 'heartbeat', {}];
      case 1:
        return [ref, ref, this.pick([post, 'posts']), 'phx_join', {}];
      case 2:
        return [ref, ref, post, 'phx_leave', {}];
      default:
        return ['1', ref, post, 'reader', { csrf_token: this.token(), automated: this.random() < 0.2 }];
    }
  }

  private token(): unknown {
    const tokens = this.pools.tokens();
    const token = this.pick(tokens);
    switch (this.int(6)) {
      case 0:
        return token.slice(0, this.int(token.length));
      case 1:
        return token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      case 2:
        return this.value(2);
      default:
        return token;
    }
  }

  private topic(): string {
    const roll = this.int(4);
    if (roll === 0) return `post:${this.pick(NASTY)}`;
    if (roll === 1) return `post:${this.text(1 + this.int(190))}`;
    if (roll === 2) return this.text(1 + this.int(MAX_TOPIC_LENGTH));
    return this.pick(NASTY.filter(Boolean));
  }

  private payload(): Record<string, unknown> {
    const payload: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i -= 1)
      payload[this.pick(['csrf_token', 'automated', this.text(8), '__proto__', 'constructor'])] = this.value(3);
    if (this.random() < 0.3) payload.csrf_token = this.token();
    return payload;
  }

  private value(depth: number): unknown {
    const roll = this.int(depth > 0 ? 10 : 7);
    switch (roll) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.pick([0, -0, 1, -1, 1e308, -1e-308, 2 ** 53 + 1, 3.14]);
      case 3:
        return this.text(this.int(40));
      case 4:
        return 'é'.repeat(this.int(700));
      case 5:
        return this.pick(NASTY);
      case 6:
        return this.pick(this.pools.tokens());
      case 7:
        return Array.from({ length: this.int(6) }, () => this.value(depth - 1));
      case 8:
        return this.nest(1 + this.int(40));
      default:
        return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.text(6), this.value(depth - 1)]));
    }
  }

  /** Deeply nested arrays: [[[[...]]]]. */
  private nest(levels: number): unknown {
    let value: unknown = [];
    for (let i = 0; i < levels; i += 1) value = [value];
    return value;
  }

  private text(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) {
      const roll = this.random();
      out +=
        roll < 0.6
          ? String.fromCharCode(32 + this.int(95))
          : roll < 0.8
            ? String.fromCharCode(this.int(32))
            : String.fromCodePoint(0xa0 + this.int(0x1fff0));
    }
    return out;
  }

  private randomBytes(length: number): Buffer {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) bytes[i] = this.int(256);
    return bytes;
  }

  private nextRef(): string {
    this.ref += 1;
    return String(this.ref);
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}
