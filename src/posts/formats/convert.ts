// The body of a Jekyll, Hugo or Astro post rewritten into the markdown readcount renders, with notes on what was not.

import { convertIframes } from './embeds.js';
import { convertLiquid } from './liquid.js';
import { convertMdx } from './mdx.js';
import { Notes, outsideFences, type PostNote } from './segments.js';
import { convertShortcodes } from './shortcodes.js';

export type { PostNote } from './segments.js';

export interface ConvertOptions {
  /** The file's line the body starts on (after the front matter). */
  readonly firstLine: number;
  readonly mdx: boolean;
  /** Front matter fields, for Hugo's `{{< param >}}`. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Cheap test first: most posts use none of these, and a cold start parses every post. */
const NEEDS_WORK = /\{[%{]|<iframe/i;

export function convertBody(body: string, options: ConvertOptions): { markdown: string; notes: readonly PostNote[] } {
  if (!options.mdx && !NEEDS_WORK.test(body)) return { markdown: body, notes: [] };
  const notes = new Notes();
  const markdown = outsideFences(body, options.firstLine, (chunk, line) => {
    let text = options.mdx ? convertMdx(chunk, line, notes) : chunk;
    text = convertShortcodes(text, line, notes, options.params);
    text = convertLiquid(text, line, notes);
    return convertIframes(text, line, notes);
  });
  return { markdown, notes: notes.list.sort((a, b) => a.line - b.line) };
}
