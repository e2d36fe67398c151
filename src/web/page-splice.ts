// Renders a page once with stand-ins for its per-request parts (token, count) and splices real values in per request.
import { formatCount } from './views/html.js';

/** Control characters pass through HTML escaping untouched and never occur in a rendered post. */
const TOKEN = '\u0001readcount-token\u0001';
/** A count no post will reach; if a page happens to contain it anyway, that page is rendered in full every time. */
const COUNT = Number.MAX_SAFE_INTEGER;
type Slot = 'token' | 'count' | 'formatted';
const SLOTS = new Map<string, Slot>([
  [TOKEN, 'token'],
  [String(COUNT), 'count'],
  [formatCount(COUNT), 'formatted'],
]);
const SLOT_PATTERN = new RegExp(
  [...SLOTS.keys()].map((slot) => slot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  'g',
);

export type PageRender = (token: string, count: number) => string;

interface Template {
  /** The page's fixed parts, UTF-8 encoded once: per request only the few bytes of token and count are encoded. */
  readonly texts: readonly Buffer[];
  readonly slots: readonly Slot[];
  readonly fixedBytes: number;
}

/** Caches one template per key object (a Post: a changed post is a new object, so stale pages fall away with it). */
export class SplicedPages<K extends object> {
  private readonly templates = new WeakMap<K, Template | null>();

  /** The page as the bytes to send (a string would be re-encoded on every request). */
  page(key: K, token: string, count: number, render: PageRender): Buffer {
    let template = this.templates.get(key);
    if (template === undefined) {
      template = build(render(TOKEN, COUNT));
      this.templates.set(key, template);
    }
    if (template === null) return Buffer.from(render(token, count));
    const { texts, slots, fixedBytes } = template;
    const values = slots.map((slot) =>
      slot === 'token' ? token : slot === 'count' ? String(count) : formatCount(count),
    );
    let size = fixedBytes;
    for (const value of values) size += Buffer.byteLength(value);
    const out = Buffer.allocUnsafe(size);
    let at = (texts[0] as Buffer).copy(out, 0);
    for (let i = 0; i < values.length; i += 1) {
      at += out.write(values[i] as string, at);
      at += (texts[i + 1] as Buffer).copy(out, at);
    }
    return out;
  }
}

/** Null when the stand-ins do not each appear exactly once, so a splice could land in the wrong place. */
function build(rendered: string): Template | null {
  const texts: Buffer[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const match of rendered.matchAll(SLOT_PATTERN)) {
    texts.push(Buffer.from(rendered.slice(last, match.index)));
    slots.push(SLOTS.get(match[0]) as Slot);
    last = (match.index as number) + match[0].length;
  }
  texts.push(Buffer.from(rendered.slice(last)));
  const seen = new Set(slots);
  if (slots.length !== 3 || seen.size !== 3) return null;
  return { texts, slots, fixedBytes: texts.reduce((sum, text) => sum + text.length, 0) };
}
