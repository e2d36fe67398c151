// Theme slots: STATIC_DIR/_partials/head.html and footer.html go into every page, sanitized, re-read when they change.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { watch } from 'chokidar';
import sanitizeHtml from 'sanitize-html';
import { sanitizePostHtml } from '../posts/sanitize.js';
import type { Site, ThemePartials } from './site.js';

/** The folder inside STATIC_DIR; the site-root route never serves it as files. */
export const PARTIALS_DIR = '_partials';
/** A larger partial is refused whole (logged): a head slot is a few tags, not a page. */
const PARTIAL_MAX_BYTES = 64 * 1024;

/** `rel` values a head partial may use: styles, fonts, icons, feeds and identity links; nothing that runs code. */
const HEAD_RELS = new Set([
  'stylesheet',
  'preload',
  'preconnect',
  'dns-prefetch',
  'icon',
  'apple-touch-icon',
  'manifest',
  'alternate',
  'me',
  'author',
  'license',
]);

/**
 * `<meta>` (name/property/content only: no `http-equiv`, which could refresh the page or weaken its CSP) and `<link>`
 * with an allowed `rel` and an http(s) or site URL. Everything else, scripts and styles included, is dropped.
 */
export function sanitizeHeadPartial(html: string): string {
  return sanitizeHtml(html, HEAD_OPTIONS)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

// sanitize-html 2.17 has allowedEmptyAttributes (a font preload's bare `crossorigin`); its types do not yet.
const HEAD_OPTIONS: sanitizeHtml.IOptions & { allowedEmptyAttributes: string[] } = {
  allowedTags: ['meta', 'link'],
  allowedAttributes: {
    meta: ['name', 'property', 'content'],
    link: ['rel', 'href', 'type', 'as', 'crossorigin', 'media', 'sizes', 'title', 'hreflang'],
  },
  allowedSchemes: ['http', 'https'],
  allowProtocolRelative: false,
  allowedEmptyAttributes: ['crossorigin'],
  selfClosing: ['meta', 'link'],
  exclusiveFilter: (frame) => !usefulHeadTag(frame.tag, frame.attribs),
};

/** A link needs an address and only allowed rels; a meta tag a name or property (one left with neither did harm). */
function usefulHeadTag(tag: string, attribs: Record<string, string>): boolean {
  if (tag === 'meta') return (attribs.name ?? attribs.property) !== undefined && attribs.content !== undefined;
  const rels = (attribs.rel ?? '').toLowerCase().split(/\s+/);
  return attribs.href !== undefined && rels.every((rel) => rel !== '' && HEAD_RELS.has(rel));
}

/** The footer partial gets the posts' allowlist (links, images, lists, no scripts or handlers). */
export const sanitizeFooterPartial = (html: string): string => sanitizePostHtml(html, undefined).trim();

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

function readPartial(file: string, log: Log): string | undefined {
  try {
    if (statSync(file).size > PARTIAL_MAX_BYTES) {
      log('error', `${file} ignored: larger than ${PARTIAL_MAX_BYTES} bytes`);
      return undefined;
    }
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A partial's sanitized text; absent when the file is missing, too large, or nothing in it survives. */
function sanitizedPartial(file: string, sanitize: (html: string) => string, log: Log): string | undefined {
  const raw = readPartial(file, log);
  const clean = raw === undefined ? '' : sanitize(raw);
  return clean === '' ? undefined : clean;
}

/** Both partials as they are on disk now, sanitized; a missing one is absent. */
export function readPartials(staticDir: string, log: Log): ThemePartials {
  const dir = join(staticDir, PARTIALS_DIR);
  const head = sanitizedPartial(join(dir, 'head.html'), sanitizeHeadPartial, log);
  const footer = sanitizedPartial(join(dir, 'footer.html'), sanitizeFooterPartial, log);
  return { ...(head === undefined ? {} : { head }), ...(footer === undefined ? {} : { footer }) };
}

export interface PartialsWatcher {
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Reads the partials now and again on every change, so an edit shows on the next page without a restart. */
export function watchPartials(staticDir: string, site: Site, log: Log): PartialsWatcher {
  const apply = () => {
    if (site.setPartials(readPartials(staticDir, log))) log('info', `theme partials reloaded from ${PARTIALS_DIR}/`);
  };
  apply();
  // STATIC_DIR itself is watched (a folder made later is seen too), but only _partials/ is looked into.
  const root = resolve(staticDir);
  const dir = join(root, PARTIALS_DIR);
  const watcher = watch(root, {
    ignoreInitial: true,
    depth: 1,
    ignored: (path) => path !== root && path !== dir && dirname(path) !== dir,
    awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 50 },
  });
  watcher.on('add', apply).on('change', apply).on('unlink', apply);
  watcher.on('error', (error) => log('error', `watching ${PARTIALS_DIR}/ failed: ${String(error)}`));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
