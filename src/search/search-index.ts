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
export function ftsQuery(input: string, queryMax: number): string | undefined {
  const words = input.slice(0, queryMax).match(/[\p{L}\p{N}\p{M}_]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .slice(0, TERMS_MAX)
    .map((word) => `"${word}"`)
    .join(' ');
}

export class SearchIndex {
  readonly #db = new Database(':memory:');
  readonly #rowids = new Map<string, number>();
  readonly #insert;
  readonly #delete;
  readonly #search;
  readonly #limits: SearchLimits;
  readonly #library: PostLibrary;
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
    // Titles weigh most, then tags, then the body (bm25's weights follow the columns: slug, title, tags, body).
    this.#search = this.#db.prepare<[string, number], { slug: string; title: string; snippet: string }>(
      `SELECT slug, highlight(posts, 1, '${MARK_START}', '${MARK_END}') AS title,
              snippet(posts, 3, '${MARK_START}', '${MARK_END}', '…', ${SNIPPET_TOKENS}) AS snippet
         FROM posts WHERE posts MATCH ? ORDER BY bm25(posts, 0, 10, 5, 1) LIMIT ?`,
    );
    this.#db.transaction(() => {
      for (const post of library.list()) this.#add(post);
    })();
    library.on('change', this.#onChange);
  }

  /** The best matches, best first; none for a query without words. */
  search(input: string): SearchHit[] {
    const query = ftsQuery(input, this.#limits.queryMax);
    if (query === undefined) return [];
    return this.#search.all(query, this.#limits.resultsMax);
  }

  close(): void {
    this.#library.off('change', this.#onChange);
    this.#db.close();
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
    this.#db.transaction(() => {
      for (const slug of [...changed, ...removed]) {
        const rowid = this.#rowids.get(slug);
        if (rowid !== undefined) this.#delete.run(rowid);
        this.#rowids.delete(slug);
      }
      for (const slug of [...added, ...changed]) {
        const post = this.#library.get(slug);
        if (post) this.#add(post);
      }
    })();
  }
}
