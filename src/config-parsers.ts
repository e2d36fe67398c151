// Parsers for settings: each turns an env var, flag or site-file value into a typed value or throws a one-line reason.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { safeUrl } from './safe-url.js';

export type Parser<T> = (raw: string) => T;

export const integer =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    const trimmed = raw.trim();
    if (!/^-?\d+$/.test(trimmed)) throw new Error(`"${raw}" is not a whole number`);
    const value = Number(trimmed);
    if (value < min) throw new Error(`${trimmed} is too small: it must be ≥ ${min}`);
    if (value > max) throw new Error(`${trimmed} is too large: it must be ≤ ${max}`);
    return value;
  };
/** A process count: a whole number, or `auto` for one per core this process may use. */
export const processCount =
  (max: number): Parser<number> =>
  (raw) =>
    raw.trim().toLowerCase() === 'auto' ? Math.min(max, availableParallelism()) : integer(1, max)(raw);
export const text: Parser<string> = (raw) => raw;
export const optionalText: Parser<string | undefined> = (raw) => (raw === '' ? undefined : raw);
export const boolean: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`"${raw}" is not true/false`);
};
export const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if ((values as string[]).includes(raw)) return raw as T;
    throw new Error(`"${raw}" is not one of ${values.join(', ')}`);
  };
export const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
export const origins: Parser<string[]> = (raw) =>
  list(raw).map((item) => {
    let origin: string;
    try {
      origin = new URL(item).origin;
    } catch {
      throw new Error(`"${item}" is not a URL`);
    }
    if (origin !== item.replace(/\/$/, ''))
      throw new Error(`"${item}" is not a bare origin like https://static.example`);
    return origin;
  });

/** An absolute http(s) base URL without query or fragment, kept without its trailing slash. */
export const baseUrl: Parser<string | undefined> = (raw) => {
  if (raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`"${raw}" is not an absolute URL like https://blog.example`);
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password)
    throw new Error(`"${raw}" must be a plain http(s) URL like https://blog.example (no query, fragment or login)`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
};

export const language: Parser<string> = (raw) => {
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(raw.trim()))
    throw new Error(`"${raw}" is not a language tag like en or pt-BR`);
  return raw.trim();
};

export interface NavLink {
  readonly title: string;
  readonly url: string;
}

/** A list of {title, url}: YAML in the site file, JSON in the NAV env var or flag. */
export function navValue(value: unknown): NavLink[] {
  if (!Array.isArray(value)) throw new Error('must be a list of {title, url}');
  return value.map((entry, i) => {
    const { title, url } = (entry ?? {}) as { title?: unknown; url?: unknown };
    if (typeof title !== 'string' || title.trim() === '' || typeof url !== 'string' || url.trim() === '')
      throw new Error(`entry ${i + 1} needs a text title and url`);
    const safe = safeUrl(url);
    if (safe === undefined)
      throw new Error(
        `entry ${i + 1}: ${JSON.stringify(url)} is not a link (only http:, https:, mailto: or a site path)`,
      );
    return { title: title.trim(), url: safe };
  });
}
export const nav: Parser<NavLink[]> = (raw) =>
  jsonSetting(raw, [], 'a JSON list of {"title", "url"} (or a YAML list in the site file)', navValue);

/**
 * A structured setting's env var or flag: JSON, checked by the same `validate` the site file's YAML value goes
 * through; blank is `empty`. `hint` finishes "must be …" when the text is not JSON.
 */
export function jsonSetting<T>(raw: string, empty: T, hint: string, validate: (value: unknown) => T): T {
  if (raw.trim() === '') return empty;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`must be ${hint}`);
  }
  return validate(value);
}

/**
 * Which X-Forwarded-For entries to believe. `true` means one hop, never "all": behind a proxy that appends the
 * address it saw, the leftmost entries are whatever the client sent, and believing them would let anyone pick
 * the address that per-IP limits and visitor hashes see.
 */
export type ProxyTrust = false | number | string[];
export const proxyTrust: Parser<ProxyTrust> = (raw) => {
  if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
  if (/^(true|yes|on)$/i.test(raw.trim())) return 1;
  if (/^\d+$/.test(raw.trim())) return integer(1, 100)(raw);
  const proxies = list(raw);
  for (const proxy of proxies) {
    const [address = '', bits] = proxy.split('/');
    if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      throw new Error(`"${proxy}" is not true/false, a hop count or a proxy address/CIDR`);
  }
  return proxies;
};
