// Resized WebP copies of local images, made by sharp once per original version and width, kept in DATA_DIR/images.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageFacts, ImageSource } from './dimensions.js';

/** WebP quality: photos look the same as the original at a third of the bytes or less. */
const WEBP_QUALITY = 80;

export interface ImageVariantsOptions {
  /** The cache folder (DATA_DIR/images). */
  readonly dir: string;
  /** IMAGE_MAX_PIXELS: larger originals get no variants (decoding one costs memory in proportion). */
  readonly maxPixels: number;
  /** IMAGE_RESIZE_CONCURRENCY: resizes at once; the others wait their turn. */
  readonly concurrency: number;
  readonly onError?: (file: string, error: unknown) => void;
}

export class ImageVariants {
  readonly #options: ImageVariantsOptions;
  readonly #making = new Map<string, Promise<string>>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  #made = 0;
  #closed = false;

  constructor(options: ImageVariantsOptions) {
    this.#options = options;
    mkdirSync(options.dir, { recursive: true });
    // Each resize reads its file once: libvips' operation cache would only hold memory.
    sharp.cache(false);
  }

  /** Variants made since start (not found in the cache folder). */
  get made(): number {
    return this.#made;
  }

  accepts(facts: ImageFacts): boolean {
    return facts.width * facts.height <= this.#options.maxPixels;
  }

  /** The variant's path, made now when the cache folder has none; concurrent callers share one resize. */
  file(source: ImageSource, width: number): Promise<string> {
    const key = createHash('sha256').update(`${source.file}\0${source.facts.version}`).digest('base64url').slice(0, 22);
    const target = join(this.#options.dir, `${key}-${width}.webp`);
    let making = this.#making.get(target);
    if (!making) {
      making = this.#ensure(source.file, target, width).finally(() => this.#making.delete(target));
      this.#making.set(target, making);
    }
    return making;
  }

  /** Starts making a variant without waiting; a failure is reported, and the route tries again on request. */
  warm(source: ImageSource, width: number): void {
    if (this.#closed) return;
    this.file(source, width).catch((error: unknown) => this.#options.onError?.(source.file, error));
  }

  /** Starts no more warm-ups and waits for the resizes under way, so nothing writes into DATA_DIR after close. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#making.values()]);
  }

  async #ensure(file: string, target: string, width: number): Promise<string> {
    if (await exists(target)) return target;
    await this.#turn();
    try {
      if (await exists(target)) return target;
      // Written aside and renamed, so a crash or a concurrent reader never sees half a file.
      const partial = `${target}.${process.pid}.partial`;
      try {
        await sharp(file, { limitInputPixels: this.#options.maxPixels })
          .rotate()
          .resize({ width, withoutEnlargement: true })
          .webp({ quality: WEBP_QUALITY })
          .toFile(partial);
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      this.#made++;
      return target;
    } finally {
      this.#release();
    }
  }

  #turn(): Promise<void> {
    if (this.#running < this.#options.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
