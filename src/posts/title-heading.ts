// The reference format's title and tags: the first `# ` heading outside code, and a `tags:` line just below it.

import { inlineMarkdownText } from './first-paragraph.js';
import { splitTags } from './front-matter.js';

/** How far below the title the reference format's `tags:` line may sit. */
const TAGS_LINE_WINDOW = 5;

const HEADING = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(?:```|~~~)/;
const TAGS_LINE = /^tags:[ \t]*(.*?)[ \t]*$/i;

export interface TitledBody {
  readonly title: string;
  /** From the `tags:` line, when `readTags` asked for it and there was one. */
  readonly tags: readonly string[] | undefined;
  /** The body without the title heading (and the tags line), blank lines trimmed at both ends. */
  readonly markdown: string;
}

/** The title from the first heading, or undefined when the body has none with text. */
export function titleFromHeading(body: string, readTags: boolean): TitledBody | undefined {
  const lines = body.split(/\r?\n/);
  const heading = findTitleHeading(lines);
  if (!heading) return undefined;
  const drop = new Set([heading.index]);
  const tagsLine = readTags ? findTagsLine(lines, heading.index) : undefined;
  if (tagsLine) drop.add(tagsLine.index);
  const kept = lines.filter((_, index) => !drop.has(index));
  return {
    title: heading.title,
    tags: tagsLine ? splitTags(tagsLine.value) : undefined,
    markdown: `${trimBlankLines(kept).join('\n')}\n`,
  };
}

/** The same result as trimBlankLines over the body's lines, without making the lines. */
export function trimBlankText(body: string): string {
  const normalized = body.includes('\r') ? body.replace(/\r\n/g, '\n') : body;
  // Slices, not replace and concatenation: the body stays a view of the file's string instead of a copy of it.
  const start = normalized.slice(LEADING_BLANK_LINES.exec(normalized)?.[0].length ?? 0);
  // Trailing blank lines by hand: an end-anchored regex retries at every newline of a long post.
  let end = start.length;
  for (let index = start.length - 1; index >= 0; index--) {
    const char = start.charCodeAt(index);
    if (char === 10) end = index;
    else if (!/\s/.test(start[index] as string)) break;
  }
  return start.charCodeAt(end) === 10 ? start.slice(0, end + 1) : `${start.slice(0, end)}\n`;
}

const LEADING_BLANK_LINES = /^(?:[^\S\n]*\n)+/;

function findTitleHeading(lines: readonly string[]): { index: number; title: string } | undefined {
  let inFence = false;
  for (const [index, line] of lines.entries()) {
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) continue;
    const match = HEADING.exec(line);
    if (match?.[1]) {
      const title = inlineMarkdownText(match[1]);
      if (title !== '') return { index, title };
    }
  }
  return undefined;
}

function findTagsLine(lines: readonly string[], titleIndex: number): { index: number; value: string } | undefined {
  const end = Math.min(lines.length, titleIndex + 1 + TAGS_LINE_WINDOW);
  for (let index = titleIndex + 1; index < end; index++) {
    const line = lines[index] ?? '';
    if (FENCE.test(line)) return undefined;
    const match = TAGS_LINE.exec(line);
    if (match) return { index, value: match[1] ?? '' };
  }
  return undefined;
}

function trimBlankLines(lines: readonly string[]): readonly string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end);
}
