// Where a page view came from: the referrer's host only, grouped by the list in sources.json; own site and none are "direct".
import { readFileSync } from 'node:fs';
import { DIRECT_SOURCE } from '../store/engagement-fields.js';

interface Group {
  readonly name: string;
  readonly hosts: readonly string[];
}

// The data file stays in src/ (the build compiles code only): this path finds it from src/ and from dist/ alike.
const SOURCES_FILE = new URL('../../src/engagement/sources.json', import.meta.url);
const GROUPS = (JSON.parse(readFileSync(SOURCES_FILE, 'utf8')) as { groups: Group[] }).groups;

/** A referrer longer than this is not one a browser sends (they trim to origin or a 4 KB URL at most). */
const MAX_REFERRER_LENGTH = 4096;
/** What may follow `name.` in a `name.*` pattern: a TLD, or a second-level one (co.uk, com.au). */
const ANY_TLD = /^[a-z]{2,6}(\.[a-z]{2,3})?$/;

export type SourceResult = { ok: true; source: string } | { ok: false; source: string; reason: 'bad_referrer' };

function matches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host === pattern.slice(2) || host.endsWith(pattern.slice(1));
  if (pattern.endsWith('.*')) {
    const name = pattern.slice(0, -1);
    return host.startsWith(name) && ANY_TLD.test(host.slice(name.length));
  }
  return host === pattern;
}

/** A host's source name: its group's, or the host itself (lower case, no leading www.). */
export function groupHost(host: string): string {
  const bare = host.toLowerCase().replace(/^www\./, '');
  for (const group of GROUPS) if (group.hosts.some((pattern) => matches(bare, pattern))) return group.name;
  return bare;
}

/**
 * The source of a page view from its referrer: absent, empty or one of `ownHosts` → "direct"; otherwise the grouped
 * host. Anything that is not an http(s) URL is refused (reason `bad_referrer`) and counted as "direct", so a bad value
 * never becomes a source name.
 */
export function sourceOf(referrer: unknown, ownHosts: ReadonlySet<string>): SourceResult {
  if (referrer === undefined || referrer === null || referrer === '') return { ok: true, source: DIRECT_SOURCE };
  if (typeof referrer !== 'string' || referrer.length > MAX_REFERRER_LENGTH)
    return { ok: false, source: DIRECT_SOURCE, reason: 'bad_referrer' };
  let url: URL;
  try {
    url = new URL(referrer);
  } catch {
    return { ok: false, source: DIRECT_SOURCE, reason: 'bad_referrer' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return { ok: false, source: DIRECT_SOURCE, reason: 'bad_referrer' };
  const host = url.hostname.toLowerCase();
  if (ownHosts.has(host) || ownHosts.has(url.host.toLowerCase())) return { ok: true, source: DIRECT_SOURCE };
  return { ok: true, source: groupHost(host) };
}
