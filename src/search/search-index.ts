// Full-text search over the published posts: an in-memory SQLite FTS5 index built from the library, never a source of truth.
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { PostChanges, PostLibrary } from '../posts/library.js';
import type { Post } from '../posts/post.js';

export interface SearchHit {
  readonly slug: string;
  /** Title and snippet as plain text with matches between MARK_START and MARK_END (escape, then mark up). */
  readonly title: string;
  readonly snippet: string;
}

export interface SearchLimits {
  /** SEARCH_QUERY_MAX: characters of the query that are read; the rest is ignored. */
  readonly queryMax: number;
  /** SEARCH_RESULTS_MAX: hits returned, each with a snippet. */
  readonly resultsMax: number;
  /** SEARCH_TERMS_MAX: distinct words of a query that are looked up; the rest are ignored. */
  readonly termsMax: number;
  /** SEARCH_RANKED_MAX: matching posts that are ranked, the newest ones; older matches of a common query are not. */
  readonly rankedMax: number;
}

/** Around each match in a hit's title and snippet; control characters that never reach the index. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
/** Words of the body around the matches that a hit's snippet shows. */
export const SNIPPET_TOKENS = 24;
/** Distinct queries whose hits are kept until the posts change (each at most SEARCH_RESULTS_MAX hits). */
export const SEARCH_CACHE_QUERIES = 256;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed so they can mark matches.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/**
 * The words a reader would search for: markdown's links, images, emphasis and HTML tags reduced to their text, and
 * the contents markers (`[[toc]]`, `[TOC]`) that render as a list, not as words, left out.
 */
export function searchableText(markdown: string): string {
  return markdown
    .replace(CONTROL, ' ')
    .replace(/^[ \t]*(?:\[\[toc\]\]|\[toc\])[ \t]*$/gim, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]{0,500}>/g, ' ')
    .replace(/^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_~`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A reader's words as an FTS5 query that cannot be a syntax error: each word is a quoted string (FTS5 operators,
 * `"`, `*`, `NEAR(` and column filters are only words then); all must match. Undefined when there is no word.
 */
export function ftsQuery(input: string, queryMax: number, termsMax: number): string | undefined {
  const words = input.slice(0, queryMax).match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
  // The index folds case, so `The the THE` is one term and costs one lookup.
  const distinct = [...new Set(words.map((word) => word.toLowerCase()))].slice(0, termsMax);
  if (distinct.length === 0) return undefined;
  return distinct.map((word) => `"${word}"`).join(' ');
}

type HitRow = { slug: string; title: string; snippet: string };

/**
 * The index. A query's cost is bounded whatever the number of posts: at most SEARCH_TERMS_MAX lookups, bm25 over at
 * most SEARCH_RANKED_MAX matching rows (the newest: posts are indexed oldest first, then each new or edited one), snippets
 * only for the hits shown, and a query asked again is answered from a cache the next change of the posts clears.
 */
export class SearchIndex {
  readonly #db = new Database(':memory:');
  readonly #rowids = new Map<string, number>();
  readonly #insert;
  readonly #delete;
  readonly #floor;
  readonly #rank;
  readonly #hit;
  readonly #ranked;
  readonly #limits: SearchLimits;
  readonly #library: PostLibrary;
  readonly #cache = new LRUCache<string, readonly SearchHit[]>({ max: SEARCH_CACHE_QUERIES });
  readonly #onChange = (changes: PostChanges) => this.#update(changes);

  constructor(library: PostLibrary, limits: SearchLimits) {
    this.#library = library;
    this.#limits = limits;
    // Porter stemming finds "counting" for "count"; remove_diacritics lets "cafe" find "café".
    this.#db.exec(
      "CREATE VIRTUAL TABLE posts USING fts5(slug UNINDEXED, title, tags, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    );
    this.#insert = this.#db.prepare<[string, string, string, string]>(
      'INSERT INTO posts (slug, title, tags, body) VALUES (?, ?, ?, ?)',
    );
    this.#delete = this.#db.prepare<[number]>('DELETE FROM posts WHERE rowid = ?');
    // FTS5 walks a match newest rowid first and stops at the OFFSET: the lowest rowid that is ranked.
    this.#floor = this.#db
      .prepare<[string, number], number>(
        'SELECT rowid FROM posts WHERE posts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?',
      )
      .pluck();
    // Titles weigh most, then tags, then the body (bm25's weights follow the columns: slug, title, tags, body).
    this.#rank = this.#db
      .prepare<[string, bigint, number], number>(
        'SELECT rowid FROM posts WHERE posts MATCH ? AND rowid >= ? ORDER BY bm25(posts, 0, 10, 5, 1) LIMIT ?',
      )
      .pluck();
    this.#hit = this.#db.prepare<[string, bigint], HitRow>(
      `SELECT slug, highlight(posts, 1, '${MARK_START}', '${MARK_END}') AS title,
              snippet(posts, 3, '${MARK_START}', '${MARK_END}', '…', ${SNIPPET_TOKENS}) AS snippet
         FROM posts WHERE posts MATCH ? AND rowid = ?`,
    );
    this.#ranked = this.#db
      .prepare<[string, bigint], number>('SELECT count(*) FROM posts WHERE posts MATCH ? AND rowid >= ?')
      .pluck();
    // Oldest first, so the newest posts have the highest rowids.
    const posts = library.list();
    this.#db.transaction(() => {
      for (let at = posts.length - 1; at >= 0; at -= 1) this.#add(posts[at] as Post);
    })();
    library.on('change', this.#onChange);
  }

  /** The best matches, best first; none for a query without words. */
  search(input: string): readonly SearchHit[] {
    const query = ftsQuery(input, this.#limits.queryMax, this.#limits.termsMax);
    if (query === undefined) return [];
    const cached = this.#cache.get(query);
    if (cached) return cached;
    const floor = this.#floorOf(query);
    const hits = this.#rank
      .all(query, floor, this.#limits.resultsMax)
      .flatMap((rowid) => this.#hit.get(query, BigInt(rowid)) ?? [])
      .map(({ slug, title, snippet }): SearchHit => ({ slug, title, snippet }));
    this.#cache.set(query, Object.freeze(hits));
    return hits;
  }

  /** How many rows bm25 scores for this query: at most SEARCH_RANKED_MAX, whatever the number of posts. */
  rowsRanked(input: string): number {
    const query = ftsQuery(input, this.#limits.queryMax, this.#limits.termsMax);
    return query === undefined ? 0 : (this.#ranked.get(query, this.#floorOf(query)) ?? 0);
  }

  close(): void {
    this.#library.off('change', this.#onChange);
    this.#db.close();
  }

  /** Rowids are bound as integers: FTS5 ignores a rowid constraint given as a float, as JS numbers are bound. */
  #floorOf(query: string): bigint {
    return BigInt(this.#floor.get(query, this.#limits.rankedMax - 1) ?? 0);
  }

  #add(post: Post): void {
    if (post.kind === 'page') return;
    const clean = (text: string) => text.replace(CONTROL, ' ');
    const { lastInsertRowid } = this.#insert.run(
      post.slug,
      clean(post.title),
      clean(post.tags.join(' ')),
      searchableText(post.markdown),
    );
    this.#rowids.set(post.slug, Number(lastInsertRowid));
  }

  #update({ added, changed, removed }: PostChanges): void {
    this.#cache.clear();
    this.#db.transaction(() => {
      for (const slug of [...changed, ...removed]) {
        const rowid = this.#rowids.get(slug);
        if (rowid !== undefined) this.#delete.run(rowid);
        this.#rowids.delete(slug);
      }
      // Oldest first, as at the start.
      const posts = [...added, ...changed].flatMap((slug) => this.#library.get(slug) ?? []);
      for (const post of posts.sort((a, b) => +a.date - +b.date)) this.#add(post);
    })();
  }
}
