// Validates a content folder the way the server would read it, without a server or any data: `readcount check`.

import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { bundledLanguages } from 'shiki/langs';
import { checkMediaUrl, mediaUrls } from './check-media.js';
import { fenceLanguages } from './languages.js';
import { aliasKey, tagKey } from './library-index.js';
import { loadPosts } from './load.js';
import type { Post } from './post.js';
import { reservedRouteFor } from './reserved-paths.js';
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

/** Throws only when the posts folder cannot be read. */
export async function checkContent(postsDir: string, staticDir: string, now = Date.now()): Promise<CheckReport> {
  const root = resolve(postsDir);
  // Descriptions and reading times are for readers; check never shows them, and they are most of a parse.
  const { posts, problems } = await loadPosts(root, { readerFacts: false });
  const findings = findingList();
  const rel = (file: string) => relative(root, file) || basename(file);
  for (const problem of problems) {
    findings.push({
      kind: 'skipped',
      file: rel(problem.file),
      message: problem.reason.replaceAll(`${root}${sep}`, ''),
    });
  }
  const context: PostContext = {
    push: findings.push,
    aliasOwners: new Map(),
    staticRoot: resolve(staticDir),
    staticDir,
  };
  for (const post of posts) checkPost(post, rel(post.file), context);
  const statics = existsSync(context.staticRoot) ? staticFiles(context.staticRoot) : undefined;
  checkStaticFiles(statics ?? [], posts, staticDir, findings.push);
  return summarize(posts, findings.lines, statics, rel, now);
}

/** The findings in order, each told once: a file linking the same missing image five times is told once. */
function findingList(): { readonly lines: CheckLine[]; readonly push: (line: CheckLine) => void } {
  const lines: CheckLine[] = [];
  const seen = new Set<string>();
  const push = (line: CheckLine) => {
    const key = `${line.kind}\0${line.file}\0${line.line ?? ''}\0${line.message}`;
    if (!seen.has(key) && seen.add(key)) lines.push(line);
  };
  return { lines, push };
}

interface PostContext {
  readonly push: (line: CheckLine) => void;
  /** Old URL → the file that claimed it first. */
  readonly aliasOwners: Map<string, string>;
  readonly staticRoot: string;
  readonly staticDir: string;
}

/** One post's findings: a slug other than its file name, parts not converted, unknown languages, missing files, … */
function checkPost(post: Post, file: string, { push, aliasOwners, staticRoot, staticDir }: PostContext): void {
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
    if (owner !== undefined) warn('old URL', `old URL ${alias} is also claimed by ${owner}; it redirects to only one`);
    else aliasOwners.set(aliasKey(alias), file);
  }
  if (post.kind === 'page' && !post.draft && reservedRouteFor(`/${post.slug}`) !== undefined)
    warn('shadowed', `page not served: /${post.slug} is a readcount route (give the page another slug)`);
}

/** Static files nobody gets: a readcount route or a page answers their path first. */
function checkStaticFiles(
  paths: readonly string[],
  posts: readonly Post[],
  staticDir: string,
  push: (line: CheckLine) => void,
): void {
  const pageSlugs = new Set(posts.filter((post) => post.kind === 'page' && !post.draft).map((post) => post.slug));
  for (const path of paths) {
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
}

/** The counts for the summary line, and the scheduled posts soonest first. */
function summarize(
  posts: readonly Post[],
  lines: readonly CheckLine[],
  statics: readonly string[] | undefined,
  rel: (file: string) => string,
  now: number,
): CheckReport {
  const published = posts.filter((post) => !post.draft);
  const tags = new Set(published.filter((p) => p.kind !== 'page').flatMap((post) => post.tags.map(tagKey)));
  return {
    lines,
    posts: published.filter((post) => post.kind !== 'page').length,
    pages: published.filter((post) => post.kind === 'page').length,
    drafts: posts.length - published.length,
    tags: tags.size,
    staticFiles: statics?.length,
    scheduled: published
      .filter((post) => post.kind !== 'page' && post.date.getTime() > now)
      .sort((a, b) => +a.date - +b.date)
      .map((post) => ({ file: rel(post.file), date: post.date })),
  };
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
