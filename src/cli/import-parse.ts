// Reads an import file (our JSON or CSV export, or GoatCounter's CSV export) into per-post totals and days, with every bad row named.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import { sourceOf } from '../engagement/sources.js';
import { isValidSlug } from '../posts/post.js';
import { DIRECT_SOURCE, isEngagementField, viewSourceField } from '../store/engagement-fields.js';
import { CSV_HEADER } from './export.js';
import { parseJson } from './import-json.js';
import { type ImportLimits, isCountUpTo, isDay } from './import-rules.js';

export interface ImportedPost {
  /** From our export; GoatCounter files have none (the total is the days' sum). */
  total?: number;
  readonly days: Map<string, number>;
  /** Engagement counters per day (our JSON export; GoatCounter pageviews as views and their referrers as sources). */
  engagement?: Map<string, Record<string, number>>;
}

export interface ParsedImport {
  readonly format: 'readcount-json' | 'readcount-csv' | 'goatcounter-csv';
  readonly posts: Map<string, ImportedPost>;
  /** `line N: what is wrong` (or `posts[i]` for JSON); any of these means nothing is applied. */
  readonly problems: string[];
  /** Rows that are fine but not counted: events, bots, paths that are not posts. */
  readonly skipped: Map<string, number>;
  readonly rows: number;
}

export interface ParseOptions {
  /** Maps a GoatCounter path to one of our slugs, or undefined when it is not a counted page. */
  readonly slugForPath: (path: string) => string | undefined;
  readonly onProgress?: (rows: number, fraction: number) => void;
  readonly limits: ImportLimits;
}

type RowHandler = (fields: string[], line: number) => void;

async function eachCsvRow(
  file: string,
  onHeader: (header: string[]) => RowHandler,
  onError: (problem: string) => void,
  onProgress?: ParseOptions['onProgress'],
): Promise<number> {
  const size = statSync(file).size || 1;
  const parser = createReadStream(file).pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, info: true, bom: true }),
  );
  let handler: RowHandler | undefined;
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      if (!handler) {
        handler = onHeader(record);
        continue;
      }
      rows += 1;
      handler(record, info.lines);
      if (onProgress && rows % 50_000 === 0) onProgress(rows, info.bytes / size);
    }
  } catch (error) {
    // csv-parse's own refusals (an unclosed quote, a stray one) say where; the file cannot be read past them.
    const { message, lines } = error as Error & { lines?: number };
    onError(`line ${lines ?? rows + 1}: ${message.replace(/ at line \d+$/, '')}`);
  }
  return rows;
}

function addDay(posts: Map<string, ImportedPost>, slug: string, day: string, count: number): void {
  const post = posts.get(slug) ?? { days: new Map<string, number>() };
  posts.set(slug, post);
  post.days.set(day, (post.days.get(day) ?? 0) + count);
}

/**
 * GoatCounter's Referrer column: a URL (scheme `h`, sometimes without `https://`), or a name it generated (`g`, e.g.
 * "Hacker News") or a campaign (`c`), kept as the source name.
 */
function goatSource(referrer: string, scheme: string): string {
  const value = referrer.trim();
  if (value === '') return DIRECT_SOURCE;
  if (scheme === 'g' || scheme === 'c') {
    const name = value.slice(0, 100);
    return isEngagementField(viewSourceField(name)) ? name : DIRECT_SOURCE;
  }
  return sourceOf(value.includes('://') ? value : `https://${value}`, new Set()).source;
}

/** A GoatCounter pageview is a view too, under its referrer's source. */
function addView(posts: Map<string, ImportedPost>, slug: string, day: string, source: string): void {
  const post = posts.get(slug) ?? { days: new Map<string, number>() };
  posts.set(slug, post);
  post.engagement ??= new Map();
  const fields = post.engagement.get(day) ?? {};
  post.engagement.set(day, fields);
  for (const field of ['v', viewSourceField(source)]) fields[field] = (fields[field] ?? 0) + 1;
}

/** The start of a file without reading all of it (import files can be large). */
function firstBytes(file: string, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export async function parseImport(file: string, options: ParseOptions): Promise<ParsedImport> {
  const head = firstBytes(file, 4096).replace(/^\uFEFF/, '');
  const posts = new Map<string, ImportedPost>();
  const problems: string[] = [];
  if (head.includes('\u0000')) {
    const reason = 'line 1: not a text file (it holds binary data): expected a readcount or GoatCounter export';
    return { format: 'readcount-csv', posts, problems: [reason], skipped: new Map(), rows: 0 };
  }
  if (file.endsWith('.json') || head.trimStart().startsWith('{'))
    return withinTotal(parseJson(file, options.limits), options.limits);
  const skipped = new Map<string, number>();
  const into: CsvTarget = { posts, problems, skip: (why) => skipped.set(why, (skipped.get(why) ?? 0) + 1) };
  let format: ParsedImport['format'] = 'readcount-csv';
  const onHeader = (header: string[]): RowHandler => {
    if (header.join(',') === CSV_HEADER) return readcountRow(into, options.limits);
    format = 'goatcounter-csv';
    return goatCounterRow(header, into, options.slugForPath);
  };
  const rows = await eachCsvRow(file, onHeader, (problem) => problems.push(problem), options.onProgress);
  return withinTotal({ format, posts, problems, skipped, rows }, options.limits);
}

/** Where CSV rows land: counts per post, bad rows (any means nothing is applied), and why good rows were skipped. */
interface CsvTarget {
  readonly posts: Map<string, ImportedPost>;
  readonly problems: string[];
  readonly skip: (why: string) => void;
}

/** A row of our CSV export: `slug,day,count` or `slug,total,count`. */
function readcountRow({ posts, problems }: CsvTarget, { maxDayCount, maxTotal }: ImportLimits): RowHandler {
  return ([slug = '', day = '', raw = ''], line) => {
    const count = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!isValidSlug(slug) || !isCountUpTo(count, 2 ** 53) || (day !== 'total' && !isDay(day)))
      return void problems.push(`line ${line}: expected slug,day|total,count but got "${slug},${day},${raw}"`);
    const max = day === 'total' ? maxTotal : maxDayCount;
    if (count > max)
      return void problems.push(
        `line ${line}: ${slug} ${day}: ${count} is over ${max} (${day === 'total' ? 'IMPORT_MAX_TOTAL' : 'IMPORT_MAX_DAY_COUNT'})`,
      );
    if (day === 'total') {
      const post = posts.get(slug) ?? { days: new Map<string, number>() };
      posts.set(slug, { ...post, total: count });
    } else if (posts.get(slug)?.days.has(day)) problems.push(`line ${line}: ${slug} ${day} appears twice`);
    else addDay(posts, slug, day, count);
  };
}

/** A pageview row of a GoatCounter export, its columns found by the header's names. */
function goatCounterRow(header: string[], into: CsvTarget, slugForPath: ParseOptions['slugForPath']): RowHandler {
  const { posts, problems, skip } = into;
  // The first header cell is "<version>,Path" split by the CSV parser into "<version>" and "Path"; data rows have
  // one field fewer than the header, as "<version>" and "Path" share the first column.
  const at = (name: string) => header.findIndex((cell) => cell.trim().toLowerCase() === name) - 1;
  const columns = header.length - 1;
  const [path, event, bot, date] = [at('path'), at('event'), at('bot'), at('date')];
  const [referrer, scheme] = [at('referrer'), at('referrer scheme')];
  if (!/^[12]$/.test(header[0] ?? '') || path !== 0 || date < 0) {
    problems.push(
      `line 1: not a readcount export ("${CSV_HEADER}") nor a GoatCounter export ("2,Path,Title,Event,…,Date")`,
    );
    return () => undefined;
  }
  return (fields, line) => {
    if (fields.length !== columns)
      return void problems.push(`line ${line}: ${fields.length} fields, the header has ${columns} columns`);
    const when = new Date(fields[date] ?? '');
    if (Number.isNaN(when.getTime()))
      return void problems.push(`line ${line}: Date "${fields[date]}" is not an RFC 3339 date`);
    if (event >= 0 && fields[event] === 'true') return void skip('events');
    if (bot >= 0 && (fields[bot] ?? '0') !== '0' && fields[bot] !== '') return void skip('bots');
    const slug = slugForPath(fields[path] ?? '');
    if (!slug) return void skip(`not a post: ${(fields[path] ?? '').slice(0, 200)}`);
    const day = when.toISOString().slice(0, 10);
    if (!isDay(day)) return void problems.push(`line ${line}: Date "${fields[date]}" is not a day of 1970–9999`);
    addDay(posts, slug, day, 1);
    addView(posts, slug, day, goatSource(fields[referrer] ?? '', fields[scheme] ?? ''));
  };
}

/** A post's days may not add up past IMPORT_MAX_TOTAL either: the store's total is at least their sum. */
function withinTotal(parsed: ParsedImport, { maxDayCount, maxTotal }: ImportLimits): ParsedImport {
  for (const [slug, post] of parsed.posts) {
    let sum = 0;
    for (const [day, count] of post.days) {
      sum += count;
      if (count > maxDayCount && parsed.format === 'goatcounter-csv')
        parsed.problems.push(`${slug} ${day}: ${count} pageviews, over ${maxDayCount} (IMPORT_MAX_DAY_COUNT)`);
    }
    if (sum > maxTotal) parsed.problems.push(`${slug}: its days add up to ${sum}, over ${maxTotal} (IMPORT_MAX_TOTAL)`);
  }
  return parsed;
}
