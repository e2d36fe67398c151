// Reads our JSON export (`readcount export`) into per-post totals, days and engagement, naming every bad entry.
import { readFileSync } from 'node:fs';
import { isValidSlug } from '../posts/post.js';
import { isEngagementField } from '../store/engagement-fields.js';
import { EXPORT_FORMAT } from './export.js';
import type { ImportedPost, ParsedImport } from './import-parse.js';
import { type ImportLimits, isCountUpTo, isDay, printable } from './import-rules.js';

export function parseJson(file: string, { maxDayCount, maxTotal }: ImportLimits): ParsedImport {
  const isCount = (value: unknown): value is number => isCountUpTo(value, maxDayCount);
  const posts = new Map<string, ImportedPost>();
  const problems: string[] = [];
  let data: { format?: unknown; posts?: unknown };
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
  } catch (error) {
    return {
      format: 'readcount-json',
      posts,
      problems: [`not valid JSON: ${printable((error as Error).message)}`],
      skipped: new Map(),
      rows: 0,
    };
  }
  if (data?.format !== EXPORT_FORMAT || !Array.isArray(data.posts))
    problems.push(`not a readcount export (format "${EXPORT_FORMAT}" with a posts array)`);
  const list = Array.isArray(data?.posts) ? (data.posts as { slug?: unknown; total?: unknown; daily?: unknown }[]) : [];
  list.forEach((post, i) => {
    const where = `posts[${i}]`;
    if (typeof post?.slug !== 'string' || !isValidSlug(post.slug))
      return void problems.push(`${where}: invalid slug ${JSON.stringify(post?.slug)}`);
    if (!isCountUpTo(post.total, maxTotal))
      return void problems.push(
        `${where} (${post.slug}): total must be a whole number from 0 to ${maxTotal} (IMPORT_MAX_TOTAL)`,
      );
    if (posts.has(post.slug)) return void problems.push(`${where}: ${post.slug} appears twice`);
    const days = new Map<string, number>();
    (Array.isArray(post.daily) ? (post.daily as { day?: unknown; count?: unknown }[]) : []).forEach((entry, j) => {
      if (!isDay(entry?.day) || !isCount(entry?.count) || days.has(entry.day))
        problems.push(
          `${where}.daily[${j}] (${post.slug}): needs a unique day YYYY-MM-DD of 1970–9999 and a whole count from 0 to ${maxDayCount} (IMPORT_MAX_DAY_COUNT)`,
        );
      else days.set(entry.day, entry.count);
    });
    const engagement = new Map<string, Record<string, number>>();
    const listed = (post as { engagement?: unknown }).engagement;
    (Array.isArray(listed) ? (listed as { day?: unknown; fields?: unknown }[]) : []).forEach((entry, j) => {
      const fields = entry?.fields as Record<string, unknown> | undefined;
      const valid =
        isDay(entry?.day) &&
        !engagement.has(entry.day) &&
        typeof fields === 'object' &&
        fields !== null &&
        Object.entries(fields).every(([field, count]) => isEngagementField(field) && isCount(count));
      if (!valid || !isDay(entry?.day))
        return void problems.push(
          `${where}.engagement[${j}] (${post.slug}): needs a unique day of 1970–9999 and known fields with whole counts up to ${maxDayCount}`,
        );
      engagement.set(entry.day, fields as Record<string, number>);
    });
    posts.set(post.slug, { total: post.total, days, ...(engagement.size > 0 ? { engagement } : {}) });
  });
  return { format: 'readcount-json', posts, problems, skipped: new Map(), rows: list.length };
}
