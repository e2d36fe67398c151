// Renders a page once with stand-ins for its per-request parts (token, count) and splices real values in per request.
import { formatCount } from './views/html.js';

/** Control characters pass through HTML escaping untouched and never occur in a rendered post. */
const TOKEN = '\u0001readcount-token\u0001';
/** A count no post will reach; if a page happens to contain it anyway, that page is rendered in full every time. */
const COUNT = Number.MAX_SAFE_INTEGER;
const SLOTS = new Map<string, 'token' | 'count' | 'formatted'>([
  [TOKEN, 'token'],
  [String(COUNT), 'count'],
  [formatCount(COUNT), 'formatted'],
]);
const SLOT_PATTERN = new RegExp([...SLOTS.keys()].map((slot) => slot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');

export type PageRender = (token: string, count: number) => string;

interface Template {
  readonly texts: readonly string[];
  readonly slots: readonly ('token' | 'count' | 'formatted')[];
}

/** Caches one template per key object (a Post: a changed post is a new object, so stale pages fall away with it). */
export class SplicedPages<K extends object> {
  private readonly templates = new WeakMap<K, Template | null>();

  page(key: K, token: string, count: number, render: PageRender): string {
    let template = this.templates.get(key);
    if (template === undefined) {
      template = build(render(TOKEN, COUNT));
      this.templates.set(key, template);
    }
    if (template === null) return render(token, count);
    const { texts, slots } = template;
    let out = texts[0] as string;
    for (let i = 0; i < slots.length; i += 1) {
      const slot = slots[i];
      out += (slot === 'token' ? token : slot === 'count' ? String(count) : formatCount(count)) + (texts[i + 1] as string);
    }
    return out;
  }
}

/** Null when the stand-ins do not each appear exactly once, so a splice could land in the wrong place. */
function build(rendered: string): Template | null {
  const texts: string[] = [];
  const slots: ('token' | 'count' | 'formatted')[] = [];
  let last = 0;
  for (const match of rendered.matchAll(SLOT_PATTERN)) {
    texts.push(rendered.slice(last, match.index));
    slots.push(SLOTS.get(match[0]) as 'token' | 'count' | 'formatted');
    last = (match.index as number) + match[0].length;
  }
  texts.push(rendered.slice(last));
  const seen = new Set(slots);
  return slots.length === 3 && seen.size === 3 ? { texts, slots } : null;
}
