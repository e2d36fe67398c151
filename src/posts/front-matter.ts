// Splits YAML front matter off a post and checks its fields, so parse.ts only deals with the body.

import { parse as parseYaml } from 'yaml';
import { parseSimpleYaml } from './simple-yaml.js';

/** Front matter fields after type checks; absent fields are undefined, never defaults. */
export interface FrontMatter {
  readonly title: string | undefined;
  readonly date: Date | undefined;
  readonly description: string | undefined;
  readonly tags: readonly string[] | undefined;
  readonly draft: boolean | undefined;
  readonly slug: string | undefined;
  /** `ghosts: false` turns reader ghosts off for the post. */
  readonly ghosts: boolean | undefined;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

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
  if (fields.date !== undefined && fields.date !== null) {
    date = parseDate(fields.date);
    if (!date) return fail('front matter: "date" is not a valid date (use YYYY-MM-DD)');
  }

  const draft = fields.draft;
  if (draft !== undefined && draft !== null && typeof draft !== 'boolean') {
    return fail('front matter: "draft" must be true or false');
  }

  const ghosts = fields.ghosts;
  if (ghosts !== undefined && ghosts !== null && typeof ghosts !== 'boolean') {
    return fail('front matter: "ghosts" must be true or false');
  }

  const tags = readTags(fields.tags);
  if (!tags.ok) return tags;

  return {
    ok: true,
    value: {
      title: title.value,
      date,
      description: description.value,
      tags: tags.value,
      draft: typeof draft === 'boolean' ? draft : undefined,
      slug: slug.value,
      ghosts: typeof ghosts === 'boolean' ? ghosts : undefined,
    },
  };
}

/** Accepts `YYYY-MM-DD` (UTC midnight) or a full ISO date-time; a time without zone is taken as UTC. */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    value.trim(),
  );
  if (!match) return undefined;
  const [, y, m, d, hh, mm, ss, frac, zone] = match;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2024-02-30 over into March; a typo like that should be reported, not published.
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    return undefined;
  if (hh === undefined) return probe;
  const iso = `${y}-${m}-${d}T${hh}:${mm}:${ss ?? '00'}${frac ?? ''}${zone ?? 'Z'}`;
  const time = Date.parse(iso);
  return Number.isNaN(time) || Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59 ? undefined : new Date(time);
}

/** Tags from a YAML list or a comma-separated string (the reference format's `tags:` line uses the latter). */
export function splitTags(text: string): string[] {
  return dedupe(text.split(','));
}

function readTags(value: unknown): Checked<readonly string[] | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value === 'string') return { ok: true, value: splitTags(value) };
  if (Array.isArray(value) && value.every((tag): tag is string => typeof tag === 'string')) {
    return { ok: true, value: dedupe(value) };
  }
  return fail('front matter: "tags" must be a list of strings or a comma-separated string');
}

function dedupe(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    result.push(tag);
  }
  return result;
}

function optionalString(fields: Record<string, unknown>, key: string): Checked<string | undefined> {
  const value = fields[key];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'string') return fail(`front matter: "${key}" must be a string`);
  const trimmed = value.trim();
  return { ok: true, value: trimmed === '' ? undefined : trimmed };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
