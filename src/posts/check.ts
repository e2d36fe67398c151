// Validates a content folder the way the server would read it, without a server or any data: `readcount check`.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import MarkdownIt from 'markdown-it';
import { bundledLanguages } from 'shiki/langs';
import { fenceLanguages } from './languages.js';
import { aliasKey, tagKey } from './library-index.js';
import { loadPosts } from './load.js';
import type { Post } from './post.js';
import { reservedRouteFor } from './reserved-paths.js';
import { bundleBase, resolveMedia } from './sanitize.js';
import { postBaseName } from './slug.js';

export interface CheckLine {
  readonly kind: 'skipped' | 'renamed' | 'warning';
  /** Relative to the posts folder. */
  readonly file: string;
  readonly message: string;
  /** The file's line, for a part the converters could not handle. */
  readonly line?: number;
  /** What kind of warning (for the summary): `missing file`, `not converted`, `shadowed`, … */
  readonly topic?: string;
}

export interface CheckReport {
  readonly lines: readonly CheckLine[];
  readonly posts: number;
  readonly pages: number;
  readonly drafts: number;
  readonly tags: number;
  /** Undefined when the static folder does not exist. */
  readonly staticFiles: number | undefined;
  /** Posts dated in the future (not drafts): each goes up at its instant, soonest first. */
  readonly scheduled?: readonly { readonly file: string; readonly date: Date }[];
}

const tokenizer = new MarkdownIt({ html: true });
const MEDIA_TAG = /<(?:img|video|audio|source|track)\b[^>]*>/gi;
const MEDIA_ATTR = /\s(?:src|poster)\s*=\s*["']?([^"'\s>]+)/gi;

/** Throws only when the posts folder cannot be read. */
export async function checkContent(postsDir: string, staticDir: string, now = Date.now()): Promise<CheckReport> {
  const root = resolve(postsDir);
  const staticRoot = resolve(staticDir);
  // Descriptions and reading times are for readers; check never shows them, and they are most of a parse.
  const { posts, problems } = await loadPosts(root, { readerFacts: false });
  const lines: CheckLine[] = [];
  const seen = new Set<string>();
  // One line per problem: a file linking the same missing image five times is told once.
  const push = (line: CheckLine) => {
    const key = `${line.kind}\0${line.file}\0${line.line ?? ''}\0${line.message}`;
    if (!seen.has(key) && seen.add(key)) lines.push(line);
  };
  const rel = (file: string) => relative(root, file) || basename(file);
  for (const problem of problems) {
    push({ kind: 'skipped', file: rel(problem.file), message: problem.reason.replaceAll(`${root}${sep}`, '') });
  }

  const aliasOwners = new Map<string, string>();
  for (const post of posts) {
    const file = rel(post.file);
    const name = post.bundleDir === undefined ? postBaseName(basename(post.file)) : basename(post.bundleDir);
    const where = post.kind === 'page' ? `/${post.slug}` : `/post/${post.slug}`;
    if (post.slug !== name) push({ kind: 'renamed', file, message: `slug "${post.slug}" (served at ${where})` });
    const warn = (topic: string, message: string, line?: number) =>
      push({ kind: 'warning', file, message, topic, ...(line === undefined ? {} : { line }) });
    for (const note of post.notes ?? []) warn('not converted', note.message, note.line);
    for (const lang of fenceLanguages(post.markdown)) {
      if (!Object.hasOwn(bundledLanguages, lang))
        warn('unknown language', `unknown code language "${lang}" (shown as plain code)`);
    }
    for (const url of mediaUrls(post)) {
      const problem = checkMediaUrl(url, post, staticRoot, staticDir);
      if (problem) warn('missing file', problem);
    }
    for (const alias of post.aliases ?? []) {
      const owner = aliasOwners.get(aliasKey(alias));
      if (owner !== undefined)
        warn('old URL', `old URL ${alias} is also claimed by ${owner}; it redirects to only one`);
      else aliasOwners.set(aliasKey(alias), file);
    }
    if (post.kind === 'page' && !post.draft && reservedRouteFor(`/${post.slug}`) !== undefined)
      warn('shadowed', `page not served: /${post.slug} is a readcount route (give the page another slug)`);
  }
  const pageSlugs = new Set(posts.filter((post) => post.kind === 'page' && !post.draft).map((post) => post.slug));
  for (const path of existsSync(staticRoot) ? staticFiles(staticRoot) : []) {
    const route = reservedRouteFor(path);
    const file = `${staticDir.replace(/\/+$/, '')}${path}`;
    if (route !== undefined)
      push({ kind: 'warning', file, topic: 'shadowed', message: `not served: readcount answers ${route} itself` });
    else if (pageSlugs.has(path.slice(1)))
      push({
        kind: 'warning',
        file,
        topic: 'shadowed',
        message: `not served: the page /${path.slice(1)} has this path`,
      });
  }

  const published = posts.filter((post) => !post.draft);
  const tags = new Set(published.filter((p) => p.kind !== 'page').flatMap((post) => post.tags.map(tagKey)));
  return {
    lines,
    posts: published.filter((post) => post.kind !== 'page').length,
    pages: published.filter((post) => post.kind === 'page').length,
    drafts: posts.length - published.length,
    tags: tags.size,
    staticFiles: existsSync(staticRoot) ? staticFiles(staticRoot).length : undefined,
    scheduled: published
      .filter((post) => post.kind !== 'page' && post.date.getTime() > now)
      .sort((a, b) => +a.date - +b.date)
      .map((post) => ({ file: rel(post.file), date: post.date })),
  };
}

/** Image and media URLs of a post: markdown images, raw HTML `src`/`poster`, and the front matter image. */
function mediaUrls(post: Post): string[] {
  const urls: string[] = post.image === undefined ? [] : [post.image];
  const walk = (tokens: ReturnType<MarkdownIt['parse']>) => {
    for (const token of tokens) {
      if (token.type === 'image') urls.push(token.attrGet('src') ?? '');
      if (token.type === 'html_block' || token.type === 'html_inline') {
        for (const [tag] of token.content.matchAll(MEDIA_TAG)) {
          for (const match of tag.matchAll(MEDIA_ATTR)) urls.push(match[1] ?? '');
        }
      }
      if (token.children) walk(token.children);
    }
  };
  // Blocks first, for the whole post; the inline parser (most of markdown-it's cost) only runs on text that could
  // hold an image or a tag. Reference definitions land in env during the block pass, so `![x][ref]` still resolves.
  const env = {};
  const blocks: ReturnType<MarkdownIt['parse']> = [];
  const markdown = post.markdown.includes('\r') ? post.markdown.replace(/\r\n?/g, '\n') : post.markdown;
  tokenizer.block.parse(markdown, tokenizer, env, blocks);
  for (const token of blocks) {
    if (token.type === 'inline') {
      if (token.content.includes('![') || token.content.includes('<')) walk(tokenizer.parseInline(token.content, env));
    } else walk([token]);
  }
  return urls.filter((url) => url !== '');
}

function checkMediaUrl(url: string, post: Post, staticRoot: string, staticDir: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('#')) return undefined;
  // The file is what matters: `x.png#frag` and `x.png?v=2` are x.png.
  const written = url.split(/[?#]/)[0] ?? '';
  const base = post.bundleDir === undefined ? undefined : bundleBase(post.slug);
  const folder = post.bundleDir === undefined ? undefined : basename(post.bundleDir);
  const path = safeDecode(resolveMedia(written, base, folder));
  if (post.bundleDir !== undefined && base !== undefined && path.startsWith(base)) {
    const target = resolve(post.bundleDir, path.slice(base.length));
    if (!isInside(target, post.bundleDir)) return `image link ${written} leaves the bundle folder`;
    return isFile(target)
      ? undefined
      : `missing file ${written} (not in the bundle folder ${basename(post.bundleDir)}/)`;
  }
  const target = join(staticRoot, path);
  if (!isInside(target, staticRoot)) return `image link ${written} leaves the static folder`;
  if (isFile(target)) return undefined;
  const where = path === written ? '' : `looked for ${path}, `;
  return `missing file ${written} (${where}not in the static folder ${staticDir})`;
}

function isInside(target: string, folder: string): boolean {
  const inside = relative(resolve(folder), target);
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) && dirname(target) !== target;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Files the static folder would serve, as URL paths (`/images/a.png`): dotfiles and dot-folders never are. */
function staticFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) files.push(...staticFiles(join(dir, entry.name), `${prefix}/${entry.name}`));
    else if (entry.isFile()) files.push(`${prefix}/${entry.name}`);
  }
  return files;
}

/** The report as lines for a terminal: one per finding, then the summary. */
export function formatCheckReport(report: CheckReport, postsDir: string, staticDir: string): string {
  const out = report.lines.map(
    (line) => `${line.kind.padEnd(8)} ${line.file}${line.line === undefined ? '' : `:${line.line}`}: ${line.message}\n`,
  );
  for (const { file, date } of report.scheduled ?? [])
    out.push(`scheduled ${file}: goes up at ${date.toISOString()}\n`);
  const skipped = report.lines.filter((line) => line.kind === 'skipped').length;
  const warnings = report.lines.filter((line) => line.kind === 'warning').length;
  const statics =
    report.staticFiles === undefined
      ? `no static folder at ${staticDir}`
      : `${report.staticFiles} static files in ${staticDir}`;
  for (const kind of ['skipped', 'renamed', 'warning'] as const) {
    const found = report.lines.filter((line) => line.kind === kind);
    if (found.length === 0) continue;
    const topics = new Map<string, number>();
    for (const line of found) topics.set(line.topic ?? kind, (topics.get(line.topic ?? kind) ?? 0) + 1);
    const detail = kind === 'warning' ? ` (${[...topics].map(([topic, n]) => `${n} ${topic}`).join(', ')})` : '';
    out.push(`${'summary'.padEnd(8)} ${found.length} ${kind}${detail}\n`);
  }
  out.push(
    `${postsDir}: ${report.posts} posts, ${report.pages} pages, ${report.drafts} drafts, ${report.tags} tags, ${statics}; ${skipped} skipped, ${warnings} warnings\n`,
  );
  return out.join('');
}
