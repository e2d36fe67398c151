// A Jekyll `_config.yml` or Hugo `hugo.toml`/`config.toml` read for the site's identity when there is no readcount.yml.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { SiteFile } from './config-file.js';

/** Looked for in the working folder, then in the folder holding POSTS_DIR, in this order (Hugo's current name first). */
export const ENGINE_SITE_FILES = ['_config.yml', 'hugo.toml', 'config.toml'] as const;

type Fields = Record<string, unknown>;

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** `author: Ann` or `author: { name: Ann }` (both engines allow either). */
function authorName(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return asText((value as Fields).name);
  return asText(value);
}

function jekyll(data: Fields): Map<string, unknown> {
  const url = asText(data.url);
  const baseurl = asText(data.baseurl) ?? '';
  return new Map<string, unknown>([
    ['site_title', asText(data.title)],
    ['site_description', asText(data.description)],
    ['site_author', authorName(data.author)],
    ['site_language', asText(data.lang)],
    ['site_url', url === undefined ? undefined : `${url.replace(/\/+$/, '')}${baseurl.replace(/\/+$/, '')}`],
    // Jekyll's default style when the file names none: /:categories/:year/:month/:day/:title.html.
    ['permalinks', data.permalink ?? 'date'],
  ]);
}

function hugoPermalinks(value: unknown): unknown {
  if (value === undefined || value === null) return '/posts/:slugorfilename/';
  const page = (value as Fields).page;
  return page !== null && typeof page === 'object' ? page : value;
}

function hugo(data: Fields): Map<string, unknown> {
  const params = (data.params ?? {}) as Fields;
  return new Map<string, unknown>([
    ['site_title', asText(data.title)],
    ['site_description', asText(params.description) ?? asText(data.description)],
    ['site_author', authorName(params.author) ?? authorName(data.author)],
    ['site_language', asText(data.languageCode) ?? asText(data.defaultContentLanguage)],
    ['site_url', asText(data.baseURL) ?? asText(data.baseurl)],
    // Hugo's default URL for content/posts/<name>.md is /posts/<name>/; newer sites nest the map under `page`.
    ['permalinks', hugoPermalinks(data.permalinks)],
  ]);
}

/**
 * The identity settings a blog engine's own site file holds, keyed like readcount.yml. Only those keys are read;
 * a value readcount cannot use is left out by `keep` (the engine's file is not ours to reject).
 */
export function readEngineSiteFile(
  keep: (key: string, value: unknown) => boolean,
  dirs: readonly string[] = ['.'],
): SiteFile | undefined {
  const paths = [...new Set(dirs.map((dir) => resolve(dir)))].flatMap((dir) =>
    ENGINE_SITE_FILES.map((name) => ({ name, path: resolve(dir, name) })),
  );
  for (const { name, path } of paths) {
    if (!existsSync(path)) continue;
    let data: unknown;
    try {
      const source = readFileSync(path, 'utf8');
      data = name.endsWith('.toml') ? parseToml(source) : parseYaml(source);
    } catch {
      continue;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) continue;
    const mapped = name === '_config.yml' ? jekyll(data as Fields) : hugo(data as Fields);
    const values = new Map(
      [...mapped].filter(([key, value]) => value !== undefined && value !== null && keep(key, value)),
    );
    return { path, values };
  }
  return undefined;
}
