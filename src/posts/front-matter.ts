// Splits YAML front matter off a post and checks its fields, so parse.ts only deals with the body.

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
  readonly toc: boolean | undefined;
}

const OPENING = /^---[ \t]*\r?\n/;
// `...` is YAML's own document end marker; some editors emit it instead of `---`.
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/m;

/** Returns null when the source has no front matter (the reference format). */
export function splitFrontMatter(source: string): Checked<{ yaml: string; body: string }> | null {
  const opening = OPENING.exec(source);
  if (!opening) return null;
  const rest = source.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) return { ok: false, reason: 'front matter: no closing "---" line' };
  const yaml = rest.slice(0, closing.index);
  const body = rest.slice(closing.index + closing[0].length).replace(/^\r?\n/, '');
  return { ok: true, value: { yaml, body } };
}

export function readFrontMatter(yaml: string): Checked<FrontMatter> {
  let data: unknown = parseSimpleYaml(yaml);
  try {
    data ??= parseYaml(yaml);
  } catch (error) {
    // yaml's messages carry a multi-line code excerpt; the first line is the useful part in a log.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return fail(`front matter: invalid YAML: ${message}`);
  }
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

  let date: Date | undefined;
  let dateText: string | undefined;
  if (fields.date !== undefined && fields.date !== null) {
    dateText =
      fields.date instanceof Date
        ? fields.date.toISOString()
        : typeof fields.date === 'string'
          ? fields.date.trim()
          : undefined;
    date = dateText === undefined ? undefined : parseDateText(dateText);
    if (!date)
      return fail('front matter: "date" is not a valid date (use YYYY-MM-DD, optionally with a time and offset)');
  }

  const draft = optionalBoolean(fields, 'draft');
  if (!draft.ok) return draft;
  // Jekyll's way of saying draft.
  const published = optionalBoolean(fields, 'published');
  if (!published.ok) return published;
  const ghosts = optionalBoolean(fields, 'ghosts');
  if (!ghosts.ok) return ghosts;
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
      toc: toc.value,
    },
  };
}

/** A date from front matter or a file name; see parseDateText for the accepted forms. */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  return typeof value === 'string' ? parseDateText(value) : undefined;
}
