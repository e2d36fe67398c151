// Renders a page once with stand-ins for its per-request parts (token, count) and splices real values in per request.
import { LRUCache } from 'lru-cache';
import { deflateSegment, spliceGzip } from './compression.js';
import { formatCount } from './views/html.js';

/** Control characters pass through HTML escaping untouched and never occur in a rendered post. */
const TOKEN = '\u0001readcount-token\u0001';
/** A count no post will reach; if a page happens to contain it anyway, that page is rendered in full every time. */
const COUNT = Number.MAX_SAFE_INTEGER;
type Slot = 'token' | 'count' | 'formatted';
/** How the page writes its count ("1,234", "1.234"): the formatted stand-in is found, and the count spliced, in it. */
export type CountFormat = (count: number) => string;

/** The stand-ins of a page whose count is written by `format`, and the pattern that finds them. */
function slotsOf(format: CountFormat): { slots: Map<string, Slot>; pattern: RegExp } {
  const slots = new Map<string, Slot>([
    [TOKEN, 'token'],
    [String(COUNT), 'count'],
    [format(COUNT), 'formatted'],
  ]);
  const pattern = new RegExp(
    [...slots.keys()].map((slot) => slot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return { slots, pattern };
}

export type PageRender = (token: string, count: number) => string;

interface Template {
  /** The page's fixed parts, UTF-8 encoded once: per request only the few bytes of token and count are encoded. */
  readonly texts: readonly Buffer[];
  readonly slots: readonly Slot[];
  readonly fixedBytes: number;
  /** The fixed parts as gzip-ready deflate segments, made on the first request that takes gzip. */
  segments?: readonly Buffer[];
}

/** A stand-in for a page that cannot be spliced (it is rendered in full every time); costs next to nothing. */
const UNSPLICEABLE = { texts: [], slots: [], fixedBytes: 0 } satisfies Template;

export interface SplicedPagesOptions {
  /** Bytes kept for templates (their text and gzip segments), least recently used dropped first. */
  readonly maxBytes?: number;
}

export interface EncodedPage {
  readonly body: Buffer;
  /** `gzip` when the body is gzip; otherwise the page as is (compress it yourself if you must). */
  readonly encoding?: 'gzip';
}

/**
 * Caches one template per key object (a Post: a changed post is a new object, so stale pages fall out of use and
 * then out of the budget), under a byte budget.
 */
export class SplicedPages<K extends object> {
  private readonly templates: LRUCache<K, Template>;

  constructor(options: SplicedPagesOptions = {}) {
    this.templates = new LRUCache<K, Template>({
      maxSize: options.maxBytes ?? 64 * 2 ** 20,
      sizeCalculation: templateBytes,
    });
  }

  /** Bytes held now, for tests and metrics. */
  get bytes(): number {
    return this.templates.calculatedSize;
  }

  get size(): number {
    return this.templates.size;
  }

  /** The page as the bytes to send (a string would be re-encoded on every request). */
  page(key: K, token: string, count: number, render: PageRender, format: CountFormat = formatCount): Buffer {
    return this.encoded(key, token, count, render, false, format).body;
  }

  /** The page, as gzip when `gzip` is asked for and the page can be spliced: no compression per request. */
  encoded(
    key: K,
    token: string,
    count: number,
    render: PageRender,
    gzip: boolean,
    format: CountFormat = formatCount,
  ): EncodedPage {
    const template = this.#template(key, render, format);
    if (template === UNSPLICEABLE) return { body: Buffer.from(render(token, count)) };
    const values = template.slots.map((slot) =>
      Buffer.from(slot === 'token' ? token : slot === 'count' ? String(count) : format(count)),
    );
    if (!gzip) return { body: join(template, values) };
    if (template.segments === undefined) {
      template.segments = packed(template.texts.map(deflateSegment));
      // Set again so the budget counts the segments too.
      this.templates.set(key, template);
    }
    return { body: spliceGzip(template.texts, template.segments, values), encoding: 'gzip' };
  }

  #template(key: K, render: PageRender, format: CountFormat): Template {
    let template = this.templates.get(key);
    if (template === undefined) {
      template = build(render(TOKEN, COUNT), slotsOf(format)) ?? UNSPLICEABLE;
      this.templates.set(key, template);
    }
    return template;
  }
}

function join({ texts, fixedBytes }: Template, values: readonly Buffer[]): Buffer {
  let size = fixedBytes;
  for (const value of values) size += value.length;
  const out = Buffer.allocUnsafe(size);
  let at = (texts[0] as Buffer).copy(out, 0);
  for (let i = 0; i < values.length; i += 1) {
    at += (values[i] as Buffer).copy(out, at);
    at += (texts[i + 1] as Buffer).copy(out, at);
  }
  return out;
}

function templateBytes(template: Template): number {
  let bytes = template.fixedBytes + 64;
  for (const segment of template.segments ?? []) bytes += segment.length;
  return bytes;
}

/** Null when the stand-ins do not each appear exactly once, so a splice could land in the wrong place. */
function build(rendered: string, { slots: SLOTS, pattern }: ReturnType<typeof slotsOf>): Template | null {
  const texts: Buffer[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const match of rendered.matchAll(pattern)) {
    texts.push(Buffer.from(rendered.slice(last, match.index)));
    slots.push(SLOTS.get(match[0]) as Slot);
    last = (match.index as number) + match[0].length;
  }
  texts.push(Buffer.from(rendered.slice(last)));
  const seen = new Set(slots);
  if (slots.length !== 3 || seen.size !== 3) return null;
  const fixed = packed(texts);
  return { texts: fixed, slots, fixedBytes: fixed.reduce((sum, text) => sum + text.length, 0) };
}

/**
 * The parts copied into one allocation of exactly their size, as views: a small Buffer (or zlib's output) is a
 * slice of a larger shared block, and keeping thousands of them would keep those blocks, far over the budget.
 */
function packed(parts: readonly Buffer[]): Buffer[] {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const block = Buffer.allocUnsafeSlow(total);
  let at = 0;
  return parts.map((part) => {
    part.copy(block, at);
    at += part.length;
    return block.subarray(at - part.length, at);
  });
}
