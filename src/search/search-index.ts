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
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same set, tested without the global flag's state.
const CONTROL_TEST = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * The words a reader would search for: markdown's links, images, emphasis and HTML tags reduced to their text, and
 * the contents markers (`[[toc]]`, `[TOC]`) that render as a list, not as words, left out.
 */
export function searchableText(markdown: string): string {
  // Each rewrite runs only when its text can occur: most bodies have no contents marker, control character or HTML.
  let text = CONTROL_TEST.test(markdown) ? markdown.replace(CONTROL, ' ') : markdown;
  if (/\[toc\]/i.test(text)) text = text.replace(/^[ \t]*(?:\[\[toc\]\]|\[toc\])[ \t]*$/gim, ' ');
  if (text.includes('](')) {
    text = text.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  }
  if (text.includes('<')) text = text.replace(/<[^>]{0,500}>/g, ' ');
  return text
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

/** Posts indexed per turn of the event loop while the index is built in the background. */
const BUILD_SLICE_MS = 8;

/**
 * The index. A query's cost is bounded whatever the number of posts: at most SEARCH_TERMS_MAX lookups, bm25 over at
 * most SEARCH_RANKED_MAX matching rows (the newest: posts are indexed oldest first, then each new or edited one), snippets
 * only for the hits shown, and a query asked again is answered from a cache the next change of the posts clears.
 *
 * It keeps no copy of the text (a contentless FTS5 table: the words' positions and counts, enough to match and rank);
 * the few hits shown are put in a second, small table only to cut their snippets, so memory stays the index's, not
 * the blog's. At start it is filled in the background a slice per turn, behind requests; a search before it is done
 * finishes it first, so no search ever misses a post.
 */
export class SearchIndex {
  readonly #db = new Database(':memory:');
  readonly #rowids = new Map<string, number>();
  readonly #slugs = new Map<number, string>();
  #nextRowid = 1;
  readonly #insert;
  readonly #delete;
  readonly #floor;
  readonly #rank;
  readonly #ranked;
  readonly #insertShown;
  readonly #cut;
  readonly #clearShown;
  readonly #limits: SearchLimits;
  readonly #library: PostLibrary;
  readonly #cache = new LRUCache<string, readonly SearchHit[]>({ max: SEARCH_CACHE_QUERIES });
  readonly #onChange = (changes: PostChanges) => this.#update(changes);
  /** Slugs still to index at start, newest first (taken from the end: oldest first); one indexed since is skipped. */
  #pending: string[] = [];
  #building: NodeJS.Immediate | undefined;
  #built!: () => void;
  readonly #whenBuilt = new Promise<void>((resolve) => (this.#built = resolve));

  constructor(library: PostLibrary, limits: SearchLimits) {
    this.#library = library;
    this.#limits = limits;
    // Porter stemming finds "counting" for "count"; remove_diacritics lets "cafe" find "café".
    const tokenize = "tokenize = 'porter unicode61 remove_diacritics 2'";
    this.#db.exec(
      `CREATE VIRTUAL TABLE posts USING fts5(title, tags, body, content = '', contentless_delete = 1, ${tokenize});
       CREATE VIRTUAL TABLE shown USING fts5(title, tags, body, ${tokenize});`,
    );
    this.#insert = this.#db.prepare<[number, string, string, string]>(
      'INSERT INTO posts (rowid, title, tags, body) VALUES (?, ?, ?, ?)',
    );
    this.#delete = this.#db.prepare<[number]>('DELETE FROM posts WHERE rowid = ?');
    // FTS5 walks a match newest rowid first and stops at the OFFSET: the lowest rowid that is ranked.
    this.#floor = this.#db
      .prepare<[string, number], number>(
        'SELECT rowid FROM posts WHERE posts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?',
      )
      .pluck();
    // Titles weigh most, then tags, then the body (bm25's weights follow the columns: title, tags, body).
    this.#rank = this.#db
      .prepare<[string, bigint, number], number>(
        'SELECT rowid FROM posts WHERE posts MATCH ? AND rowid >= ? ORDER BY bm25(posts, 10, 5, 1) LIMIT ?',
      )
      .pluck();
    this.#ranked = this.#db
      .prepare<[string, bigint], number>('SELECT count(*) FROM posts WHERE posts MATCH ? AND rowid >= ?')
      .pluck();
    this.#insertShown = this.#db.prepare<[number, string, string, string]>(
      'INSERT INTO shown (rowid, title, tags, body) VALUES (?, ?, ?, ?)',
    );
    this.#cut = this.#db.prepare<[string], { rowid: number; title: string; snippet: string }>(
      `SELECT rowid, highlight(shown, 0, '${MARK_START}', '${MARK_END}') AS title,
              snippet(shown, 2, '${MARK_START}', '${MARK_END}', '…', ${SNIPPET_TOKENS}) AS snippet
         FROM shown WHERE shown MATCH ?`,
    );
    this.#clearShown = this.#db.prepare('DELETE FROM shown');
    this.#pending = library.list().map((post) => post.slug);
    library.on('change', this.#onChange);
    this.#scheduleBuild();
  }

  /** The best matches, best first; none for a query without words. */
  search(input: string): readonly SearchHit[] {
    const query = ftsQuery(input, this.#limits.queryMax, this.#limits.termsMax);
    if (query === undefined) return [];
    this.#finishBuild();
    const cached = this.#cache.get(query);
    if (cached) return cached;
    const ranked = this.#rank.all(query, this.#floorOf(query), this.#limits.resultsMax);
    const hits = Object.freeze(ranked.length === 0 ? [] : this.#cutHits(query, ranked));
    this.#cache.set(query, hits);
    return hits;
  }

  /** How many rows bm25 scores for this query: at most SEARCH_RANKED_MAX, whatever the number of posts. */
  rowsRanked(input: string): number {
    const query = ftsQuery(input, this.#limits.queryMax, this.#limits.termsMax);
    if (query === undefined) return 0;
    this.#finishBuild();
    return this.#ranked.get(query, this.#floorOf(query)) ?? 0;
  }

  /** Settles once every post there was at start is indexed (a search before then finishes the build itself). */
  whenBuilt(): Promise<void> {
    return this.#whenBuilt;
  }

  close(): void {
    if (this.#building) clearImmediate(this.#building);
    this.#building = undefined;
    this.#pending = [];
    this.#library.off('change', this.#onChange);
    this.#db.close();
  }

  /** Rowids are bound as integers: FTS5 ignores a rowid constraint given as a float, as JS numbers are bound. */
  #floorOf(query: string): bigint {
    return BigInt(this.#floor.get(query, this.#limits.rankedMax - 1) ?? 0);
  }

  /** Title highlights and snippets for the ranked rows, in rank order, from the shown table filled for them. */
  #cutHits(query: string, ranked: readonly number[]): SearchHit[] {
    const cuts = this.#db.transaction(() => {
      for (const rowid of ranked) {
        const post = this.#library.get(this.#slugs.get(rowid) ?? '');
        if (post) this.#insertShown.run(rowid, ...columns(post));
      }
      const rows = this.#cut.all(query);
      this.#clearShown.run();
      return new Map(rows.map((row) => [row.rowid, row]));
    })();
    return ranked.flatMap((rowid) => {
      const cut = cuts.get(rowid);
      const slug = this.#slugs.get(rowid);
      return cut && slug !== undefined ? [{ slug, title: cut.title, snippet: cut.snippet }] : [];
    });
  }

  #scheduleBuild(): void {
    if (this.#pending.length === 0) this.#built();
    if (this.#pending.length === 0 || this.#building) return;
    // Not unref'd: an unref'd immediate waits for the next I/O, so an idle server would stop building.
    this.#building = setImmediate(() => {
      this.#building = undefined;
      const until = performance.now() + BUILD_SLICE_MS;
      this.#db.transaction(() => {
        while (this.#pending.length > 0 && performance.now() < until) this.#indexPending();
      })();
      this.#scheduleBuild();
    });
  }

  #finishBuild(): void {
    if (this.#pending.length === 0) return;
    if (this.#building) clearImmediate(this.#building);
    this.#building = undefined;
    this.#db.transaction(() => {
      while (this.#pending.length > 0) this.#indexPending();
    })();
    this.#built();
  }

  /** The oldest post still pending, so the newest posts end with the highest rowids. */
  #indexPending(): void {
    const slug = this.#pending.pop() as string;
    if (this.#rowids.has(slug)) return;
    const post = this.#library.get(slug);
    if (post) this.#add(post);
  }

  #add(post: Post): void {
    if (post.kind === 'page') return;
    const rowid = this.#nextRowid++;
    this.#insert.run(rowid, ...columns(post));
    this.#rowids.set(post.slug, rowid);
    this.#slugs.set(rowid, post.slug);
  }

  #update({ added, changed, removed }: PostChanges): void {
    this.#cache.clear();
    this.#db.transaction(() => {
      for (const slug of [...changed, ...removed]) {
        const rowid = this.#rowids.get(slug);
        if (rowid !== undefined) {
          this.#delete.run(rowid);
          this.#slugs.delete(rowid);
        }
        this.#rowids.delete(slug);
      }
      // Oldest first, as at the start.
      const posts = [...added, ...changed].flatMap((slug) => this.#library.get(slug) ?? []);
      for (const post of posts.sort((a, b) => +a.date - +b.date)) this.#add(post);
    })();
  }
}

/** What is indexed of a post: its title, tags and the words of its body, control characters (our marks) removed. */
function columns(post: Post): [string, string, string] {
  const clean = (text: string) => text.replace(CONTROL, ' ');
  return [clean(post.title), clean(post.tags.join(' ')), searchableText(post.markdown)];
}
