// Bodies compressed once and kept: whole bodies (feeds) as gzip and brotli, spliced pages as gzip segments.
import { brotliCompressSync, constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Encoding = 'br' | 'gzip';

/**
 * The encoding to send, from `Accept-Encoding` (q=0 refuses one); gzip is preferred when `gzipFirst`, since spliced
 * pages have their gzip bytes ready and brotli would cost a compression per request.
 */
export function pickEncoding(request: FastifyRequest, gzipFirst = false): Encoding | undefined {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string' || header === '') return undefined;
  const accepted = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const wants = (name: Encoding) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  const order: Encoding[] = gzipFirst ? ['gzip', 'br'] : ['br', 'gzip'];
  return order.find(wants);
}

/** A body sent once and not kept: compressed fast, as for nobody else (gzip level 1, brotliFast). */
export function sendOnce(body: string, request: FastifyRequest, reply: FastifyReply, enabled: boolean): FastifyReply {
  const raw = Buffer.from(body);
  void reply.header('vary', 'Accept-Encoding');
  const encoding = enabled ? pickEncoding(request) : undefined;
  if (encoding === undefined) return reply.send(raw);
  return reply
    .header('content-encoding', encoding)
    .send(encoding === 'br' ? brotliFast(raw) : gzipSync(raw, { level: 1 }));
}

/**
 * One body and its compressed forms, made once per content version and sent many times, so compressed hard: brotli
 * at quality 9 (11 costs many times more for a few per cent).
 */
export class CompressedBody {
  readonly raw: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;

  constructor(body: string | Buffer) {
    this.raw = typeof body === 'string' ? Buffer.from(body) : body;
    this.gzip = gzipSync(this.raw, { level: 9 });
    this.br = brotliCompressSync(this.raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_SIZE_HINT]: this.raw.length,
      },
    });
  }

  get bytes(): number {
    return this.raw.length + this.gzip.length + this.br.length;
  }

  send(request: FastifyRequest, reply: FastifyReply, enabled: boolean): FastifyReply {
    void reply.header('vary', 'Accept-Encoding');
    const encoding = enabled ? pickEncoding(request) : undefined;
    if (encoding === undefined) return reply.send(this.raw);
    return reply.header('content-encoding', encoding).send(encoding === 'br' ? this.br : this.gzip);
  }
}

/** A fixed part of a spliced page as raw deflate ending on a byte boundary, so parts can follow one another. */
export function deflateSegment(text: Buffer): Buffer {
  return deflateRawSync(text, { level: 6, finishFlush: constants.Z_SYNC_FLUSH });
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty stored block with BFINAL set: ends the deflate stream. */
const FINAL_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff]);

/**
 * A gzip body from fixed parts compressed once (`segments[i]` is `texts[i]` through deflateSegment) and the
 * per-request values between them, sent as stored blocks: no compression per request, only a CRC over the page.
 */
export function spliceGzip(texts: readonly Buffer[], segments: readonly Buffer[], values: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let size = 0;
  for (let i = 0; i < texts.length; i += 1) {
    const text = texts[i] as Buffer;
    crc = crc32(text, crc);
    size += text.length;
    parts.push(segments[i] as Buffer);
    const value = values[i];
    if (value === undefined) continue;
    crc = crc32(value, crc);
    size += value.length;
    parts.push(storedBlock(value), value);
  }
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  parts.push(FINAL_BLOCK, trailer);
  return Buffer.concat(parts);
}

/** A non-final stored block's header for `value` (at most 64 KiB: tokens and counts are a few dozen bytes). */
function storedBlock(value: Buffer): Buffer {
  const length = value.length;
  return Buffer.from([0, length & 0xff, length >>> 8, ~length & 0xff, (~length >>> 8) & 0xff]);
}

/**
 * Brotli for a body compressed per request (the spliced page of a client that takes brotli but not gzip, a body not
 * kept): quality 2 is about as small as gzip level 1 on a page and cheaper to make; higher qualities pay off only for
 * bodies compressed once and sent many times (CompressedBody).
 */
export function brotliFast(body: Buffer): Buffer {
  return brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 2, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}
