// Bodies built once per content version and kept compressed (feeds), under a byte budget.
import { LRUCache } from 'lru-cache';
import { CompressedBody } from './compression.js';

interface Entry {
  /** What the body was built from, compared by identity: a reload makes new post lists, a site change a new version. */
  readonly version: readonly unknown[];
  readonly body: Promise<CompressedBody>;
  bytes: number;
}

export class BodyCache {
  readonly #entries: LRUCache<string, Entry>;

  constructor(maxBytes: number) {
    this.#entries = new LRUCache<string, Entry>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (e) => e.bytes });
  }

  /** The kept body for `key` when it was built from the same `version`, else `build`'s, compressed once and kept. */
  get(key: string, version: readonly unknown[], build: () => Promise<string>): Promise<CompressedBody> {
    const found = this.#entries.get(key);
    if (found && sameVersion(found.version, version)) return found.body;
    const body = build().then((text) => new CompressedBody(text));
    // A build in progress is shared, so a burst of feed readers after a change builds it once.
    const entry: Entry = { version, body, bytes: 1024 };
    this.#entries.set(key, entry);
    body.then(
      (done) => {
        if (this.#entries.peek(key) !== entry) return;
        entry.bytes = done.bytes;
        // Set again so the budget counts its real size (a body larger than the whole budget is not kept).
        this.#entries.set(key, entry);
      },
      () => {
        if (this.#entries.peek(key) === entry) this.#entries.delete(key);
      },
    );
    return body;
  }
}

function sameVersion(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
