// Turns one markdown file (reference `# title` + `tags:` format, or YAML front matter) into a Post or a PostProblem.

import { basename } from 'node:path';
import { firstParagraph } from './first-paragraph.js';
import { cleanDescription, firstImage } from './formats/body-facts.js';
import { convertBody } from './formats/convert.js';
import { type FrontMatter, parseDate, readFrontMatter, splitFrontMatter } from './front-matter.js';
import { type Checked, fail } from './front-matter-fields.js';
import type { Post, PostProblem } from './post.js';
import { SLUG_PATTERN } from './post.js';
import { postBaseName, slugify } from './slug.js';
import { titleFromHeading, trimBlankText } from './title-heading.js';

export { firstParagraph } from './first-paragraph.js';

/** Larger files are refused by the loader before reading: a post that size is a mistake, not an essay. */
export const MAX_POST_BYTES = 1024 * 1024;

const WORDS_PER_MINUTE = 220;

const BLANK = /^\s*$/;
const FILE_DATE = /^(\d{4}-\d{2}-\d{2})(?:[_-]|$)/;
/** Jekyll's and Hugo's excerpt separator. */
const MORE = /<!--\s*more\s*-->/;

export function isPostProblem(value: Post | PostProblem): value is PostProblem {
  return !('slug' in value);
}

export interface ParseOptions {
  /** Set for a page bundle's `index.md`: the folder, whose name is the slug and whose files are served beside it. */
  readonly bundleDir?: string;
  /**
   * False skips what only readers see, the description and the reading time (most of a parse): `description` is
   * empty and `readingMinutes` 1. For `readcount check`, whose posts are never served.
   */
  readonly readerFacts?: boolean;
}

export function parsePostFile(file: string, source: string, options: ParseOptions = {}): Post | PostProblem {
  try {
    return parseOrExplain(file, source, options);
  } catch (error) {
    // Parsing is meant to be total; this only guards against a library surprise taking the whole blog down.
    return { file, reason: `could not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The file's front matter (if any) read, and where its body starts. */
interface Head {
  readonly meta: FrontMatter | undefined;
  readonly hasFrontMatter: boolean;
  /** The body after the front matter, as written. */
  readonly raw: string;
  /** The file's line the body starts on, for notes about converted parts. */
  readonly firstLine: number;
}

/** The body with its title, tags and the post's date: what the name, front matter and first heading say. */
interface Body {
  readonly title: string;
  readonly tags: readonly string[];
  readonly markdown: string;
  readonly notes: readonly { readonly line: number; readonly message: string }[];
}

function parseOrExplain(file: string, source: string, options: ParseOptions): Post | PostProblem {
  const explain = <T>(checked: Checked<T>): T | PostProblem =>
    checked.ok ? checked.value : { file, reason: checked.reason };
  const text = explain(readSource(source));
  if (typeof text !== 'string') return text;
  const name = options.bundleDir === undefined ? postBaseName(basename(file)) : basename(options.bundleDir);
  const nameDate = FILE_DATE.exec(name)?.[1];
  const head = explain(readHead(text));
  if ('reason' in head) return head;
  const slug = explain(resolveSlug(head.meta, name));
  if (typeof slug !== 'string') return slug;
  const body = explain(readBody(file, head));
  if ('reason' in body) return body;
  const date = explain(resolveDate(head, nameDate));
  if (!(date instanceof Date)) return date;
  if (BLANK.test(body.markdown)) return { file, reason: 'post has no content' };
  return assemble({ file, slug, date, nameDate, head, body, options });
}

/** The text of a file that can be a post: not too large, not empty, without a byte order mark. */
function readSource(source: string): Checked<string> {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_POST_BYTES) return fail(`file is too large (${bytes} bytes, limit ${MAX_POST_BYTES})`);
  const text = source.replace(/^\uFEFF/, '');
  return BLANK.test(text) ? fail('file is empty') : { ok: true, value: text };
}

function readHead(text: string): Checked<Head> {
  const split = splitFrontMatter(text);
  if (split === null) return { ok: true, value: { meta: undefined, hasFrontMatter: false, raw: text, firstLine: 1 } };
  if (!split.ok) return split;
  const front = readFrontMatter(split.value.yaml, split.value.format);
  if (!front.ok) return front;
  const raw = split.value.body;
  const firstLine = countLines(text.slice(0, text.length - raw.length)) + 1;
  return { ok: true, value: { meta: front.value, hasFrontMatter: true, raw, firstLine } };
}

function resolveSlug(meta: FrontMatter | undefined, name: string): Checked<string> {
  const slug = meta?.slug ?? slugify(name);
  if (slug === undefined) {
    return fail(`file name "${name}" has no letters or digits to make a URL from: set "slug" in the front matter`);
  }
  if (!SLUG_PATTERN.test(slug)) {
    return fail(`slug "${slug}" (from the front matter "slug") is not valid: use letters, digits, "-" and "_"`);
  }
  return { ok: true, value: slug };
}

/** The converted body and its title: the front matter's, else the first `# ` heading (then dropped from the body). */
function readBody(file: string, { meta, hasFrontMatter, raw, firstLine }: Head): Checked<Body> {
  const converted = convertBody(raw, { firstLine, mdx: /\.mdx$/i.test(file), params: meta?.fields ?? {} });
  const notes = converted.notes;
  if (meta?.title !== undefined) {
    // Splitting every body into lines cost most of a cold start; only posts whose title is a heading need it.
    return {
      ok: true,
      value: { title: meta.title, tags: meta.tags ?? [], markdown: trimBlankText(converted.markdown), notes },
    };
  }
  // The reference format's `tags:` line is read only without front matter, which has a field for them.
  const titled = titleFromHeading(converted.markdown, !hasFrontMatter);
  if (!titled) {
    return fail(
      hasFrontMatter
        ? 'no title: set "title" in the front matter or start the body with a "# " heading'
        : 'no title: the post needs a "# " heading',
    );
  }
  const tags = titled.tags ?? meta?.tags ?? [];
  return { ok: true, value: { title: titled.title, tags, markdown: titled.markdown, notes } };
}

function resolveDate({ meta, hasFrontMatter }: Head, nameDate: string | undefined): Checked<Date> {
  if (meta?.date !== undefined) return { ok: true, value: meta.date };
  if (nameDate === undefined) {
    // A page (about, now) has no date to show; its place in feeds and lists is none, so the epoch stands in.
    if (meta?.kind === 'page') return { ok: true, value: new Date(0) };
    return fail(
      hasFrontMatter
        ? 'no date: set "date" in the front matter or start the file name with YYYY-MM-DD_'
        : 'no date: name the file YYYY-MM-DD_slug.md',
    );
  }
  const date = parseDate(nameDate);
  return date ? { ok: true, value: date } : fail(`file name date "${nameDate}" is not a valid date`);
}

interface Parts {
  readonly file: string;
  readonly slug: string;
  readonly date: Date;
  readonly nameDate: string | undefined;
  readonly head: Head;
  readonly body: Body;
  readonly options: ParseOptions;
}

/** The Post from its checked parts, with what is worked out from the body: excerpt, description, image, reading time. */
function assemble({ file, slug, date, nameDate, head, body, options }: Parts): Post {
  const { meta, firstLine } = head;
  const { markdown } = body;
  const excerpt =
    meta?.excerpt === undefined
      ? excerptBefore(markdown, meta?.excerptSeparator)
      : convertBody(meta.excerpt, { firstLine, mdx: false, params: meta.fields }).markdown;
  const image = firstImage(markdown);
  const facts = readerFacts(options.readerFacts ?? true, meta, markdown);
  return {
    slug,
    title: body.title,
    date,
    get description() {
      return facts.description();
    },
    tags: Object.freeze([...body.tags]),
    draft: meta?.draft ?? false,
    ...(meta?.ghosts === false ? { ghosts: false } : {}),
    ...(meta?.preview === true ? { preview: true } : {}),
    ...(meta?.toc === true ? { toc: true } : {}),
    markdown,
    get readingMinutes() {
      return facts.readingMinutes();
    },
    file,
    kind: meta?.kind ?? 'post',
    aliases: meta?.aliases ?? [],
    dateText: meta?.dateText ?? nameDate,
    ...(meta?.image === undefined ? {} : { image: meta.image }),
    ...(options.bundleDir === undefined ? {} : { bundleDir: options.bundleDir }),
    ...(excerpt === undefined ? {} : { excerpt }),
    ...(meta?.updated === undefined ? {} : { updated: meta.updated }),
    ...(image === undefined ? {} : { firstImage: image }),
    ...(body.notes.length === 0 ? {} : { notes: body.notes }),
  };
}

/**
 * The description and reading time, each worked out on first use and kept: a scan of the body that most posts of a
 * big blog never need (only the listed and fetched ones show them), so a start does not pay it for every post.
 */
function readerFacts(
  wanted: boolean,
  meta: FrontMatter | undefined,
  markdown: string,
): { description(): string; readingMinutes(): number } {
  if (!wanted) return { description: () => '', readingMinutes: () => 1 };
  const source = { description: meta?.description, excerpt: meta?.excerpt };
  let text: string | undefined;
  let minutes: number | undefined;
  return {
    description: () => (text ??= description(source, markdown)),
    readingMinutes: () => (minutes ??= readingMinutes(markdown)),
  };
}

/** The front matter's description, else the first paragraph of the excerpt or of the body, without markup. */
function description(
  meta: { readonly description?: string | undefined; readonly excerpt?: string | undefined },
  markdown: string,
): string {
  return cleanDescription(
    meta?.description ?? (meta?.excerpt ? firstParagraph(meta.excerpt) : firstParagraph(markdown)),
  );
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
