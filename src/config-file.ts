// The site file (readcount.yml): site identity and any setting, keyed by the setting's name in lower snake case.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { OptionSpec } from './config.js';
import { readEngineSiteFile } from './engine-site-file.js';
import { ConfigError } from './errors.js';

const DEFAULT_SITE_FILE = 'readcount.yml';

export interface SiteFile {
  readonly path: string;
  readonly values: ReadonlyMap<string, unknown>;
}

/**
 * The file named by --config / READCOUNT_CONFIG (which must exist), else ./readcount.yml when present, else a
 * Jekyll or Hugo site file in the working folder for the site's identity (engine-site-file.ts).
 * Unknown keys and YAML errors stop the start: a typo must not silently fall back to a default.
 */
export function readSiteFile(
  named: string | undefined,
  options: Readonly<Record<string, OptionSpec<unknown>>>,
  engineDirs: readonly string[] = ['.'],
): SiteFile | undefined {
  const path = resolve(named ?? DEFAULT_SITE_FILE);
  if (named === undefined && !existsSync(path)) return engineSiteFile(options, engineDirs);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('READCOUNT_CONFIG', `${path} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  let data: unknown;
  try {
    data = parse(source);
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    throw new ConfigError(path, `not valid YAML: ${first}`);
  }
  if (data === null || data === undefined) return { path, values: new Map() };
  if (typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(path, 'must be a mapping of setting: value');
  const known = new Set(Object.values(options).map((spec) => spec.key));
  const deprecated = new Map(
    Object.values(options).flatMap((spec) =>
      spec.deprecatedEnv ? [[spec.deprecatedEnv.toLowerCase(), spec.key]] : [],
    ),
  );
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(data)) {
    const current = deprecated.get(key);
    if (current !== undefined) throw new ConfigError(key, `was renamed: use ${current} (in ${path})`);
    if (!known.has(key))
      throw new ConfigError(key, `is not a setting (in ${path}); keys are setting names like posts_dir`);
    values.set(key, value);
  }
  return { path, values };
}

function engineSiteFile(
  options: Readonly<Record<string, OptionSpec<unknown>>>,
  dirs: readonly string[],
): SiteFile | undefined {
  const specs = new Map(Object.values(options).map((spec) => [spec.key, spec]));
  return readEngineSiteFile((key, value) => {
    const spec = specs.get(key);
    if (!spec) return false;
    try {
      siteFileValue(spec, value);
      return true;
    } catch {
      return false;
    }
  }, dirs);
}

/** A YAML value as the setting's parser takes it: scalars as text, lists of scalars joined by commas. */
export function siteFileValue<T>(spec: OptionSpec<T>, value: unknown): T {
  if (value === null || value === undefined) return spec.default;
  if (spec.parseValue) return spec.parseValue(value);
  if (typeof value === 'string') return spec.parse(value);
  if (typeof value === 'number' || typeof value === 'boolean') return spec.parse(String(value));
  // Lists (embed_origins, trust_proxy's proxies) reach the parser comma-separated, as in the env var.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number'))
    return spec.parse(value.join(','));
  throw new Error(`must be ${Array.isArray(spec.default) ? 'a list of text' : 'a text, number or true/false'}`);
}
