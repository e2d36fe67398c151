// Readers for the front matter fields other blog engines use (tags, categories, aliases, images), each with a clear error.

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Tags from the reference format's `tags:` line: comma-separated. */
export function splitTags(text: string): string[] {
  return dedupe(text.split(','));
}

/**
 * A front matter tag field: a YAML list, or a string split on commas when it has any, else on spaces
 * (Jekyll's `tags: ruby rails`). Used for `tags`, `categories` and `category`.
 */
export function readTagList(value: unknown, key: string): Checked<readonly string[] | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value === 'string') return { ok: true, value: dedupe(value.split(value.includes(',') ? ',' : /\s+/)) };
  if (Array.isArray(value) && value.every((tag) => typeof tag === 'string' || typeof tag === 'number')) {
    return { ok: true, value: dedupe(value.map(String)) };
  }
  return fail(`front matter: "${key}" must be a list of strings or a comma-separated string`);
}

export function dedupe(tags: readonly string[]): string[] {
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

export function optionalString(fields: Record<string, unknown>, key: string): Checked<string | undefined> {
  const value = fields[key];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'string') return fail(`front matter: "${key}" must be a string`);
  const trimmed = value.trim();
  return { ok: true, value: trimmed === '' ? undefined : trimmed };
}

export function optionalBoolean(fields: Record<string, unknown>, key: string): Checked<boolean | undefined> {
  const value = fields[key];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value !== 'boolean') return fail(`front matter: "${key}" must be true or false`);
  return { ok: true, value };
}

/** Printable ASCII without spaces, quotes, `<>` or `\`: what a request path can hold (percent-encode the rest). */
const BAD_PATH = /[^!#-&(-;=?-[\]-~]/;

/**
 * Old URL paths from Hugo `aliases`, Jekyll `redirect_from` (string or list) and `permalink` (string), each made to
 * start with exactly one `/` (Hugo allows relative aliases; `//x` would otherwise read as a host).
 */
export function readAliases(fields: Record<string, unknown>): Checked<readonly string[]> {
  const paths: string[] = [];
  for (const key of ['aliases', 'redirect_from', 'permalink']) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const list = Array.isArray(value) && key !== 'permalink' ? value : [value];
    for (const item of list) {
      if (typeof item !== 'string' || item.trim() === '' || BAD_PATH.test(item.trim())) {
        return fail(
          `front matter: "${key}" must be ${key === 'permalink' ? 'a URL path' : 'a URL path or a list of them'}`,
        );
      }
      const path = `/${item.trim().replace(/^\/+/, '')}`;
      if (!paths.includes(path)) paths.push(path);
    }
  }
  return { ok: true, value: paths };
}

/** `image`, Astro's `heroImage`, or `cover` as a string or Hugo themes' `cover: { image: … }`, or the first of Hugo's `images`. */
export function readImage(fields: Record<string, unknown>): Checked<string | undefined> {
  const candidates: [string, unknown][] = [
    ['image', fields.image],
    ['heroImage', fields.heroImage],
    ['cover', fields.cover],
    ['featured_image', fields.featured_image],
    ['images', Array.isArray(fields.images) ? fields.images[0] : fields.images],
  ];
  for (const [key, raw] of candidates) {
    let value = raw;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      value = (value as Record<string, unknown>).image ?? (value as Record<string, unknown>).src;
    }
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') return fail(`front matter: "${key}" must be an image URL or path`);
    return { ok: true, value: value.trim() };
  }
  return { ok: true, value: undefined };
}
