// Turns one markdown file (reference `# title` + `tags:` format, or YAML front matter) into a Post or a PostProblem.

import { basename } from 'node:path';
import type { Token } from 'markdown-it';
import MarkdownIt from 'markdown-it';
import { cleanDescription, firstImage } from './formats/body-facts.js';
import { convertBody } from './formats/convert.js';
import { parseDate, readFrontMatter, splitFrontMatter, splitTags } from './front-matter.js';
import type { Post, PostProblem } from './post.js';
import { SLUG_PATTERN } from './post.js';
import { postBaseName, slugify } from './slug.js';

/** Larger files are refused by the loader before reading: a post that size is a mistake, not an essay. */
export const MAX_POST_BYTES = 1024 * 1024;

const WORDS_PER_MINUTE = 220;
const MAX_DESCRIPTION_CHARS = 300;
/** How far below the title the reference format's `tags:` line may sit. */
const TAGS_LINE_WINDOW = 5;

const HEADING = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(?:```|~~~)/;
const TAGS_LINE = /^tags:[ \t]*(.*?)[ \t]*$/i;
const BLANK = /^\s*$/;
const FILE_DATE = /^(\d{4}-\d{2}-\d{2})(?:[_-]|$)/;
/** Jekyll's and Hugo's excerpt separator. */
const MORE = /<!--\s*more\s*-->/;

// Only used to pull plain text out of headings and the first paragraph; html:true so inline tags can be dropped.
const textParser = new MarkdownIt({ html: true, linkify: false, typographer: true });

export function isPostProblem(value: Post | PostProblem): value is PostProblem {
  return !('slug' in value);
}

export interface ParseOptions {
  /** Set for a page bundle's `index.md`: the folder, whose name is the slug and whose files are served beside it. */
  readonly bundleDir?: string;
}

export function parsePostFile(file: string, source: string, options: ParseOptions = {}): Post | PostProblem {
  try {
    return parseOrExplain(file, source, options);
  } catch (error) {
    // Parsing is meant to be total; this only guards against a library surprise taking the whole blog down.
    return { file, reason: `could not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function parseOrExplain(file: string, source: string, options: ParseOptions): Post | PostProblem {
  const problem = (reason: string): PostProblem => ({ file, reason });
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_POST_BYTES) return problem(`file is too large (${bytes} bytes, limit ${MAX_POST_BYTES})`);
  const text = source.replace(/^\uFEFF/, '');
  if (BLANK.test(text)) return problem('file is empty');

  const name = options.bundleDir === undefined ? postBaseName(basename(file)) : basename(options.bundleDir);
  const nameDate = FILE_DATE.exec(name)?.[1];

  const split = splitFrontMatter(text);
  if (split && !split.ok) return problem(split.reason);
  const hasFrontMatter = split !== null;
  const front = split ? readFrontMatter(split.value.yaml, split.value.format) : null;
  if (front && !front.ok) return problem(front.reason);
  const meta = front?.value;

  const slug = meta?.slug ?? slugify(name);
  if (slug === undefined) {
    return problem(`file name "${name}" has no letters or digits to make a URL from: set "slug" in the front matter`);
  }
  if (!SLUG_PATTERN.test(slug)) {
    return problem(`slug "${slug}" (from the front matter "slug") is not valid: use letters, digits, "-" and "_"`);
  }

  const raw = split ? split.value.body : text;
  const firstLine = split ? countLines(text.slice(0, text.length - raw.length)) + 1 : 1;
  const converted = convertBody(raw, { firstLine, mdx: /\.mdx$/i.test(file), params: meta?.fields ?? {} });
  const body = converted.markdown;
  let title = meta?.title;
  let tags = meta?.tags ?? [];
  // Splitting every body into lines cost most of a cold start; only posts whose title is a heading need it.
  let markdown = title === undefined ? '' : trimBlankText(body);
  if (title === undefined) {
    let lines = body.split(/\r?\n/);
    const heading = findTitleHeading(lines);
    if (!heading) {
      return problem(
        hasFrontMatter
          ? 'no title: set "title" in the front matter or start the body with a "# " heading'
          : 'no title: the post needs a "# " heading',
      );
    }
    title = heading.title;
    const drop = new Set([heading.index]);
    if (!hasFrontMatter) {
      const tagsLine = findTagsLine(lines, heading.index);
      if (tagsLine) {
        tags = splitTags(tagsLine.value);
        drop.add(tagsLine.index);
      }
    }
    lines = lines.filter((_, index) => !drop.has(index));
    markdown = `${trimBlankLines(lines).join('\n')}\n`;
  }

  let date = meta?.date;
  // A page (about, now) has no date to show; its place in feeds and lists is none, so the epoch stands in.
  if (date === undefined && meta?.kind === 'page' && nameDate === undefined) date = new Date(0);
  if (date === undefined) {
    if (nameDate === undefined) {
      return problem(
        hasFrontMatter
          ? 'no date: set "date" in the front matter or start the file name with YYYY-MM-DD_'
          : 'no date: name the file YYYY-MM-DD_slug.md',
      );
    }
    date = parseDate(nameDate);
    if (!date) return problem(`file name date "${nameDate}" is not a valid date`);
  }

  if (BLANK.test(markdown)) return problem('post has no content');
  const excerpt =
    meta?.excerpt === undefined
      ? excerptBefore(markdown, meta?.excerptSeparator)
      : convertBody(meta.excerpt, { firstLine, mdx: false, params: meta.fields }).markdown;
  const image = firstImage(markdown);

  return {
    slug,
    title,
    date,
    description: cleanDescription(
      meta?.description ?? (meta?.excerpt ? firstParagraph(meta.excerpt) : firstParagraph(markdown)),
    ),
    tags: Object.freeze([...tags]),
    draft: meta?.draft ?? false,
    ...(meta?.ghosts === false ? { ghosts: false } : {}),
    ...(meta?.preview === true ? { preview: true } : {}),
    ...(meta?.toc === true ? { toc: true } : {}),
    markdown,
    readingMinutes: readingMinutes(markdown),
    file,
    kind: meta?.kind ?? 'post',
    aliases: meta?.aliases ?? [],
    dateText: meta?.dateText ?? nameDate,
    ...(meta?.image === undefined ? {} : { image: meta.image }),
    ...(options.bundleDir === undefined ? {} : { bundleDir: options.bundleDir }),
    ...(excerpt === undefined ? {} : { excerpt }),
    ...(meta?.updated === undefined ? {} : { updated: meta.updated }),
    ...(image === undefined ? {} : { firstImage: image }),
    ...(converted.notes.length === 0 ? {} : { notes: converted.notes }),
  };
}

/** The markdown before `<!--more-->` (or the post's `excerpt_separator`), when the post marks one. */
function excerptBefore(markdown: string, separator: string | undefined): string | undefined {
  const index =
    separator === undefined
      ? markdown.includes('<!--')
        ? MORE.exec(markdown)?.index
        : undefined
      : markdown.indexOf(separator);
  return index === undefined || index < 0 ? undefined : `${markdown.slice(0, index).trimEnd()}\n`;
}

function countLines(text: string): number {
  let lines = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
  return lines;
}

export function readingMinutes(markdown: string): number {
  // A character loop: splitting long posts into word arrays was the largest cost of a cold start.
  let words = 0;
  let inWord = false;
  for (let index = 0; index < markdown.length; index++) {
    const code = markdown.charCodeAt(index);
    const space = code === 32 || (code >= 9 && code <= 13) || code === 160;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return Math.max(1, Math.ceil(words / WORDS_PER_MINUTE));
}

/** The same result as trimBlankLines over the body's lines, without making the lines. */
function trimBlankText(body: string): string {
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
      // parseInline wraps the result in one 'inline' token; the text lives in its children.
      const title = inlineText(textParser.parseInline(match[1], {})[0]?.children ?? []);
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

/** Plain text of the first top-level paragraph that has any, for meta descriptions and feeds. */
export function firstParagraph(markdown: string): string {
  // Parsing a whole post for one paragraph dominated cold start. A prefix cut at a blank line parses the same,
  // so try the first block, then a longer prefix, before the whole text. Reference-style link definitions can
  // sit anywhere and change how a paragraph reads, so posts with any take the slow path.
  if (!REFERENCE_DEFINITION.test(markdown)) {
    const start = markdown.search(/\S/);
    for (const cut of [markdown.indexOf('\n\n', Math.max(0, start)), markdown.indexOf('\n\n', PREFIX_CHARS)]) {
      if (cut <= 0) continue;
      const fromPrefix = paragraphText(markdown.slice(0, cut), true);
      if (fromPrefix !== '') return fromPrefix;
    }
  }
  return paragraphText(markdown, false);
}

const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

const PREFIX_CHARS = 2048;

/**
 * The first paragraph with text (top-level ones first unless `topLevelOnly`). Only blocks are parsed for the whole
 * text; inline parsing, most of markdown-it's cost, runs on the candidate paragraphs one at a time until one has text.
 */
function paragraphText(markdown: string, topLevelOnly: boolean): string {
  const env = {};
  const tokens: Token[] = [];
  // What markdown-it's `normalize` core rule does before the block parser runs.
  const source = /[\r\0]/.test(markdown) ? markdown.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD') : markdown;
  textParser.block.parse(source, textParser, env, tokens);
  const candidates = tokens.filter(
    (token, index) => token.type === 'inline' && tokens[index - 1]?.type === 'paragraph_open',
  );
  const topLevel = candidates.filter((token) => token.level === 1);
  const ordered = topLevelOnly ? topLevel : [...topLevel, ...candidates];
  const tried = new Set<Token>();
  for (const token of ordered) {
    if (tried.has(token)) continue;
    tried.add(token);
    const text = inlineText(textParser.parseInline(token.content, env)[0]?.children ?? []);
    if (text !== '') return truncate(text, MAX_DESCRIPTION_CHARS);
  }
  return '';
}

function inlineText(tokens: readonly Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === 'text' || token.type === 'code_inline') parts.push(token.content);
    else if (token.type === 'softbreak' || token.type === 'hardbreak') parts.push(' ');
    // images and inline HTML carry no prose worth putting in a summary
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}
