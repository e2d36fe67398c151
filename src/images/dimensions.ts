// An image file's displayed size, read from its header (image-size) and remembered per file version.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { imageSize } from 'image-size';

export interface ImageFacts {
  /** As displayed: an EXIF-rotated photo's sides are swapped. */
  readonly width: number;
  readonly height: number;
  /** image-size's type name: png, jpg, webp, gif, svg, avif… */
  readonly type: string;
  /** Size and mtime: part of a variant's cache key, so an edited original gets new variants. */
  readonly version: string;
}

export interface ImageSource {
  /** The image's path on disk. */
  readonly file: string;
  readonly facts: ImageFacts;
}

/** Bytes read from the start of a file: enough for every format's header, even a JPEG with a large EXIF block. */
const HEADER_BYTES = 256 * 1024;
/** Remembered files; past this the oldest are forgotten (a lookup costs one stat and one small read). */
const MAX_REMEMBERED = 5000;

const remembered = new Map<string, ImageFacts | undefined>();

/** Undefined for a missing file or one image-size cannot read; never throws (a post must still render). */
export function imageFacts(file: string): ImageFacts | undefined {
  let version: string;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return undefined;
    version = `${stats.size}-${Math.trunc(stats.mtimeMs)}`;
  } catch {
    return undefined;
  }
  const key = `${file}\0${version}`;
  if (remembered.has(key)) return remembered.get(key);
  const facts = read(file, version);
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
  remembered.set(key, facts);
  return facts;
}

function read(file: string, version: string): ImageFacts | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(HEADER_BYTES);
    const length = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    const size = imageSize(buffer.subarray(0, length));
    if (!size.width || !size.height) return undefined;
    const rotated = (size.orientation ?? 1) >= 5;
    return {
      width: rotated ? size.height : size.width,
      height: rotated ? size.width : size.height,
      type: size.type ?? 'unknown',
      version,
    };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
