// Local images in posts: width/height for every one, and a srcset of WebP variants for raster images wider than the column.
import { join } from 'node:path';
import { safeFilePath } from '../safe-file-path.js';
import { type ImageSource, imageFacts } from './dimensions.js';
import type { ImageVariants } from './variants.js';

/** Variant widths in CSS pixels; an image gets those narrower than itself (its original is the widest candidate). */
export const VARIANT_WIDTHS: readonly number[] = [480, 800, 1200, 1600];
/** The content column (`--width: 42rem`); narrower images gain nothing from variants. */
const COLUMN_PX = 672;
/** The column is the viewport less the page's padding on a phone, 42rem from there on. */
const SIZES = '(max-width: 44rem) calc(100vw - 2rem), 42rem';
/** Formats sharp resizes; GIF (often animated) and SVG (already scalable) keep only their size attributes. */
const RASTER = new Set(['png', 'jpg', 'webp', 'avif', 'tiff']);
/** Where variants are served: under the prefix reserved for readcount's own files. */
export const VARIANT_PREFIX = '/_readcount/img/';

export interface ResponsiveImagesOptions {
  readonly staticDir: string;
  /** A page bundle's folder by post slug (undefined: no such bundle). */
  readonly bundleDir: (slug: string) => string | undefined;
  /** Absent: no variants, only width and height. */
  readonly variants?: ImageVariants;
}

export class ResponsiveImages {
  readonly #options: ResponsiveImagesOptions;

  constructor(options: ResponsiveImagesOptions) {
    this.#options = options;
  }

  /** The file a site URL names (`/images/a.png` in STATIC_DIR, `/post/<slug>/a.png` in a bundle) and its facts. */
  source(url: string): ImageSource | undefined {
    if (!url.startsWith('/') || url.startsWith('//') || /[?#]/.test(url)) return undefined;
    const path = safeFilePath(url);
    if (path === undefined) return undefined;
    const bundle = /^post\/([^/]+)\/(.+)$/.exec(path);
    const dir = bundle ? this.#options.bundleDir(bundle[1] ?? '') : undefined;
    const file = dir !== undefined && bundle ? join(dir, bundle[2] ?? '') : join(this.#options.staticDir, path);
    const facts = imageFacts(file);
    return facts ? { file, facts } : undefined;
  }

  /** True when `width` is a variant this source has: a listed width narrower than the original, of a raster format. */
  hasVariant(source: ImageSource, width: number): boolean {
    return (
      this.#options.variants !== undefined &&
      RASTER.has(source.facts.type) &&
      source.facts.width > COLUMN_PX &&
      VARIANT_WIDTHS.includes(width) &&
      width < source.facts.width &&
      this.#options.variants.accepts(source.facts)
    );
  }

  /** The variant's file, made now if it is not in the cache folder yet; call after `hasVariant`. */
  variant(source: ImageSource, width: number): Promise<string> {
    const variants = this.#options.variants;
    return variants ? variants.file(source, width) : Promise.reject(new Error('image variants are off'));
  }

  /**
   * An `<img>`'s attributes with width/height (unless the post set either) and srcset/sizes (unless it set a srcset).
   * Variants of a new image start being made in the background, so the first reader rarely waits.
   */
  attributes(attribs: Readonly<Record<string, string>>): Record<string, string> {
    const src = attribs.src;
    const source = src === undefined ? undefined : this.source(src);
    if (src === undefined || source === undefined) return { ...attribs };
    const out: Record<string, string> = { ...attribs };
    if (out.width === undefined && out.height === undefined) {
      out.width = String(source.facts.width);
      out.height = String(source.facts.height);
    }
    const widths = VARIANT_WIDTHS.filter((width) => this.hasVariant(source, width));
    if (out.srcset === undefined && widths.length > 0) {
      out.srcset = [...widths.map((w) => `${variantUrl(src, w)} ${w}w`), `${src} ${source.facts.width}w`].join(', ');
      out.sizes = SIZES;
      for (const width of widths) this.#options.variants?.warm(source, width);
    }
    return out;
  }
}

/** `/_readcount/img/480/images/a.png.webp` for `/images/a.png` at 480 px. */
function variantUrl(src: string, width: number): string {
  return `${VARIANT_PREFIX}${width}${src}.webp`;
}
