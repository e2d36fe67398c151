// Splits YAML front matter off a post and checks its fields, so parse.ts only deals with the body.

import { parse as parseToml, TomlError } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { parseDateText } from './date-text.js';
import {
  type Checked,
  dedupe,
  fail,
  optionalBoolean,
  optionalString,
  readAliases,
  readImage,
  readTagList,
} from './front-matter-fields.js';
import { parseSimpleYaml } from './simple-yaml.js';

export type { Checked } from './front-matter-fields.js';
export { splitTags } from './front-matter-fields.js';

/** Front matter fields after type checks; absent fields are undefined, never defaults. */
export interface FrontMatter {
  readonly title: string | undefined;
  readonly date: Date | undefined;
  readonly description: string | undefined;
  readonly tags: readonly string[] | undefined;
  readonly draft: boolean | undefined;
  readonly slug: string | undefined;
  /** The `date` value as written, for showing it without a shift to UTC. */
  readonly dateText: string | undefined;
  readonly kind: 'post' | 'page' | undefined;
  readonly aliases: readonly string[];
  readonly image: string | undefined;
  readonly ghosts: boolean | undefined;
  /** Astro's `updatedDate`, Hugo's `lastmod`, Jekyll's `last_modified_at`. */
  readonly updated: Date | undefined;
  /** Jekyll's `excerpt:` (markdown). */
  readonly excerpt: string | undefined;
  /** Jekyll's `excerpt_separator` for this post (default `<!--more-->`). */
  readonly excerptSeparator: string | undefined;
  /** Every field as parsed, for Hugo's `{{< param >}}`. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** `preview: true` on a draft: the server logs its secret preview link at start. */
  readonly preview?: boolean | undefined;
  readonly toc: boolean | undefined;
}

/** YAML between `---` lines (Jekyll, Astro, Hugo), TOML between `+++` (Hugo's default) or a JSON object (Hugo). */
export type FrontMatterFormat = 'yaml' | 'toml' | 'json';

const OPENING = /^---[ \t]*\r?\n/;
// `...` is YAML's own document end marker; some editors emit it instead of `---`.
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/m;

const TOML_OPENING = /^\+\+\+[ \t]*\r?\n/;
const TOML_CLOSING = /^\+\+\+[ \t]*$/m;
/** Hugo's JSON front matter: an object from the first line to a line that is only `}`. */
const JSON_BLOCK = /^\{[ \t]*\r?\n[\s\S]*?^\}[ \t]*(?:\r?\n|$)/m;

/** Returns null when the source has no front matter (the reference format). `yaml` holds the block in any format. */
export function splitFrontMatter(
  source: string,
): Checked<{ yaml: string; body: string; format: FrontMatterFormat }> | null {
  const toml = TOML_OPENING.exec(source);
  if (toml) {
    const rest = source.slice(toml[0].length);
    const closing = TOML_CLOSING.exec(rest);
    if (!closing) return { ok: false, reason: 'front matter: no closing "+++" line' };
    const body = afterNewline(rest, closing.index + closing[0].length);
    return { ok: true, value: { yaml: rest.slice(0, closing.index), body, format: 'toml' } };
  }
  const json = source.startsWith('{') ? JSON_BLOCK.exec(source) : null;
  if (json?.index === 0) {
    return {
      ok: true,
      value: { yaml: json[0], body: afterNewline(source, json[0].length), format: 'json' },
    };
  }
  const opening = OPENING.exec(source);
  if (!opening) return null;
  const rest = source.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) return { ok: false, reason: 'front matter: no closing "---" line' };
  const yaml = rest.slice(0, closing.index);
  const body = afterNewline(rest, closing.index + closing[0].length);
  return { ok: true, value: { yaml, body, format: 'yaml' } };
}

function parseBlock(text: string, format: FrontMatterFormat): Checked<unknown> {
  try {
    if (format === 'toml') return { ok: true, value: parseToml(text) };
    if (format === 'json') return { ok: true, value: JSON.parse(text) };
    return { ok: true, value: parseSimpleYaml(text) ?? parseYaml(text) };
  } catch (error) {
    if (error instanceof TomlError) {
      // The front matter starts on the file's second line, after `+++`.
      return fail(`front matter: invalid TOML at line ${error.line + 1}: ${error.message.split('\n')[0]}`);
    }
    // yaml's messages carry a multi-line code excerpt; the first line is the useful part in a log.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return fail(`front matter: invalid ${format === 'json' ? 'JSON' : 'YAML'}: ${message}`);
  }
}

/** A date field (`date`, Astro's `pubDate`, …) as an instant and as written. */
function readDateField(value: unknown, key: string): Checked<{ date: Date | undefined; text: string | undefined }> {
  if (value === undefined || value === null) return { ok: true, value: { date: undefined, text: undefined } };
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value.trim() : undefined;
  const date = text === undefined ? undefined : parseDateText(text);
  if (!date)
    return fail(`front matter: "${key}" is not a valid date (use YYYY-MM-DD, optionally with a time and offset)`);
  return { ok: true, value: { date, text } };
}

const DATE_KEYS = ['date', 'pubDate', 'publishDate'];
const UPDATED_KEYS = ['updatedDate', 'lastmod', 'last_modified_at', 'updated'];
const TEXT_KEYS = ['title', 'description', 'slug', 'excerpt', 'excerpt_separator'] as const;
const FLAG_KEYS = ['draft', 'published', 'ghosts', 'preview', 'toc'] as const;

/** Reads each key in order; the first field that fails its check is the one reported. */
function readEach<K extends string, T>(keys: readonly K[], read: (key: K) => Checked<T>): Checked<Record<K, T>> {
  const values = {} as Record<K, T>;
  for (const key of keys) {
    const checked = read(key);
    if (!checked.ok) return checked;
    values[key] = checked.value;
  }
  return { ok: true, value: values };
}

/** The block as a mapping of fields; an empty block is an empty mapping. */
function readMapping(yaml: string, format: FrontMatterFormat): Checked<Record<string, unknown>> {
  const parsed = parseBlock(yaml, format);
  if (!parsed.ok) return parsed;
  const data = parsed.value ?? {};
  if (typeof data !== 'object' || Array.isArray(data))
    return fail('front matter: must be a mapping of "key: value" lines');
  return { ok: true, value: data as Record<string, unknown> };
}

/** The publication date and the last update, each under the first of its engine names that is set. */
function readDates(
  fields: Record<string, unknown>,
): Checked<{ date: Date | undefined; dateText: string | undefined; updated: Date | undefined }> {
  const dateKey = DATE_KEYS.find((key) => fields[key] !== undefined && fields[key] !== null) ?? 'date';
  const dated = readDateField(fields[dateKey], dateKey);
  if (!dated.ok) return dated;
  const updatedKey = UPDATED_KEYS.find((key) => fields[key] !== undefined && fields[key] !== null) ?? 'updated';
  const updated = readDateField(fields[updatedKey], updatedKey);
  if (!updated.ok) return updated;
  return { ok: true, value: { date: dated.value.date, dateText: dated.value.text, updated: updated.value.date } };
}

/** Tags, with Jekyll's and Hugo's categories added: one list of tags serves readers better than two taxonomies. */
function readAllTags(fields: Record<string, unknown>): Checked<readonly string[] | undefined> {
  const lists = readEach(['tags', 'categories', 'category'] as const, (key) => readTagList(fields[key], key));
  if (!lists.ok) return lists;
  const { tags, categories, category } = lists.value;
  const any = tags || categories || category;
  return { ok: true, value: any ? dedupe([...(tags ?? []), ...(categories ?? []), ...(category ?? [])]) : undefined };
}

export function readFrontMatter(yaml: string, format: FrontMatterFormat = 'yaml'): Checked<FrontMatter> {
  const mapping = readMapping(yaml, format);
  if (!mapping.ok) return mapping;
  const fields = mapping.value;
  const [title, description, slug] = TEXT_KEYS;
  const heading = readEach([title, description, slug], (key) => optionalString(fields, key));
  if (!heading.ok) return heading;
  const dates = readDates(fields);
  if (!dates.ok) return dates;
  const texts = readEach(TEXT_KEYS.slice(3), (key) => optionalString(fields, key));
  if (!texts.ok) return texts;
  const flags = readEach(FLAG_KEYS, (key) => optionalBoolean(fields, key));
  if (!flags.ok) return flags;
  const tags = readAllTags(fields);
  if (!tags.ok) return tags;
  const aliases = readAliases(fields);
  if (!aliases.ok) return aliases;
  const image = readImage(fields);
  if (!image.ok) return image;
  const { draft, published, ghosts, preview, toc } = flags.value;
  return {
    ok: true,
    value: {
      ...heading.value,
      ...dates.value,
      tags: tags.value,
      // Jekyll's `published: false` is its way of saying draft.
      draft: draft ?? (published === false ? true : undefined),
      kind: fields.layout === 'page' || fields.type === 'page' ? 'page' : undefined,
      aliases: aliases.value,
      image: image.value,
      ghosts,
      excerpt: texts.value.excerpt,
      excerptSeparator: texts.value.excerpt_separator,
      fields,
      preview,
      toc,
    },
  };
}

/** A date from front matter or a file name; see parseDateText for the accepted forms. */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  return typeof value === 'string' ? parseDateText(value) : undefined;
}

/**
 * The text from `start`, past one line break there: a slice of the file's string, not a copy (a replace would copy
 * every post body once more, 100 MB at 10,000 posts, since the front matter's fields keep the file's string anyway).
 */
function afterNewline(text: string, start: number): string {
  if (text.startsWith('\r\n', start)) return text.slice(start + 2);
  return text.slice(text.startsWith('\n', start) ? start + 1 : start);
}
