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

export function readFrontMatter(yaml: string, format: FrontMatterFormat = 'yaml'): Checked<FrontMatter> {
  const parsed = parseBlock(yaml, format);
  if (!parsed.ok) return parsed;
  let data = parsed.value;
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data))
    return fail('front matter: must be a mapping of "key: value" lines');
  const fields = data as Record<string, unknown>;

  const title = optionalString(fields, 'title');
  if (!title.ok) return title;
  const description = optionalString(fields, 'description');
  if (!description.ok) return description;
  const slug = optionalString(fields, 'slug');
  if (!slug.ok) return slug;

  const dateKey = DATE_KEYS.find((key) => fields[key] !== undefined && fields[key] !== null) ?? 'date';
  const dated = readDateField(fields[dateKey], dateKey);
  if (!dated.ok) return dated;
  const { date, text: dateText } = dated.value;
  const updatedKey = UPDATED_KEYS.find((key) => fields[key] !== undefined && fields[key] !== null) ?? 'updated';
  const updated = readDateField(fields[updatedKey], updatedKey);
  if (!updated.ok) return updated;
  const excerpt = optionalString(fields, 'excerpt');
  if (!excerpt.ok) return excerpt;
  const excerptSeparator = optionalString(fields, 'excerpt_separator');
  if (!excerptSeparator.ok) return excerptSeparator;

  const draft = optionalBoolean(fields, 'draft');
  if (!draft.ok) return draft;
  // Jekyll's way of saying draft.
  const published = optionalBoolean(fields, 'published');
  if (!published.ok) return published;
  const ghosts = optionalBoolean(fields, 'ghosts');
  if (!ghosts.ok) return ghosts;
  const preview = optionalBoolean(fields, 'preview');
  if (!preview.ok) return preview;
  const toc = optionalBoolean(fields, 'toc');
  if (!toc.ok) return toc;

  const tags = readTagList(fields.tags, 'tags');
  if (!tags.ok) return tags;
  // Jekyll and Hugo categories are a second taxonomy; one list of tags serves readers better than two.
  const categories = readTagList(fields.categories, 'categories');
  if (!categories.ok) return categories;
  const category = readTagList(fields.category, 'category');
  if (!category.ok) return category;
  const allTags =
    tags.value || categories.value || category.value
      ? dedupe([...(tags.value ?? []), ...(categories.value ?? []), ...(category.value ?? [])])
      : undefined;

  const aliases = readAliases(fields);
  if (!aliases.ok) return aliases;
  const image = readImage(fields);
  if (!image.ok) return image;

  const isPage = fields.layout === 'page' || fields.type === 'page';
  return {
    ok: true,
    value: {
      title: title.value,
      date,
      dateText,
      description: description.value,
      tags: allTags,
      draft: draft.value ?? (published.value === false ? true : undefined),
      slug: slug.value,
      kind: isPage ? 'page' : undefined,
      aliases: aliases.value,
      image: image.value,
      ghosts: ghosts.value,
      updated: updated.value.date,
      excerpt: excerpt.value,
      excerptSeparator: excerptSeparator.value,
      fields,
      preview: preview.value,
      toc: toc.value,
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
