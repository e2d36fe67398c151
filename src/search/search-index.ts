// Full-text search over the published posts: an in-memory SQLite FTS5 index built from the library, never a source of truth.
import Database from 'better-sqlite3';
import type { PostChanges, PostLibrary } from '../posts/library.js';
import type { Post } from '../posts/post.js';

export interface SearchHit {
  readonly slug: string;
  /** Title and snippet as plain text with matches between MARK_START and MARK_END (escape, then mark up). */
  readonly title: string;
  readonly snippet: string;
}

export interface SearchLimits {
  /** Characters of the query that are read; the rest is ignored. */
  readonly queryMax: number;
  readonly resultsMax: number;
}

/** Around each match in a hit's title and snippet; control characters that never reach the index. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
/** Terms beyond this are ignored: each one is a lookup in the index. */
const TERMS_MAX = 16;
const SNIPPET_TOKENS = 24;

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
export function ftsQuery(input: string, queryMax: number): string | undefined {
  const words = input.slice(0, queryMax).match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .slice(0, TERMS_MAX)
    .map((word) => `"${word}"`)
    .join(' ');
}

/** Posts indexed per turn of the event loop while the index is built in the background. */
const BUILD_SLICE_MS = 8;

/**
 * The index keeps no copy of the text (a contentless FTS5 table: the words' positions and counts, enough to match and
 * rank); the few hits shown are put in a second, small table only to cut their snippets, so memory stays the index's,
 * not the blog's. At start it is filled in the background a slice per turn, behind requests; a search before it is
 * done finishes it first, so no search ever misses a post.
 */
export class SearchIndex {
  readonly #db = new Database(':memory:');
  readonly #rowids = new Map<string, number>();
  readonly #slugs = new Map<number, string>();
  #nextRowid = 1;
  readonly #insert;
  readonly #delete;
  readonly #match;
  readonly #insertShown;
  readonly #cut;
  readonly #clearShown;
  readonly #limits: SearchLimits;
  readonly #library: PostLibrary;
  readonly #onChange = (changes: PostChanges) => this.#update(changes);
  /** Slugs still to index at start; a slug indexed since (or gone) is skipped when its turn comes. */
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
    // Titles weigh most, then tags, then the body (bm25's weights follow the columns: title, tags, body).
    this.#match = this.#db
      .prepare<[string, number], number>(
        'SELECT rowid FROM posts WHERE posts MATCH ? ORDER BY bm25(posts, 10, 5, 1) LIMIT ?',
      )
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
  search(input: string): SearchHit[] {
    const query = ftsQuery(input, this.#limits.queryMax);
    if (query === undefined) return [];
    this.#finishBuild();
    const ranked = this.#match.all(query, this.#limits.resultsMax);
    if (ranked.length === 0) return [];
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
    this.#db.transaction(() => {
      for (const slug of [...changed, ...removed]) {
        const rowid = this.#rowids.get(slug);
        if (rowid !== undefined) {
          this.#delete.run(rowid);
          this.#slugs.delete(rowid);
        }
        this.#rowids.delete(slug);
      }
      for (const slug of [...added, ...changed]) {
        const post = this.#library.get(slug);
        if (post) this.#add(post);
      }
    })();
  }
}

/** What is indexed of a post: its title, tags and the words of its body, control characters (our marks) removed. */
function columns(post: Post): [string, string, string] {
  const clean = (text: string) => text.replace(CONTROL, ' ');
  return [clean(post.title), clean(post.tags.join(' ')), searchableText(post.markdown)];
}
