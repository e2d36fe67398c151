// Renders post markdown to HTML once per content version, with code highlighted by a single shared shiki instance.

import { createHash } from 'node:crypto';
import MarkdownIt from 'markdown-it';
import type { Highlighter } from 'shiki';
import { escapeHtml } from '../escape-html.js';
import type { Post } from './post.js';

/** Grammars loaded up front; aliases such as ts, js, bash, sh, shell, yml, md and py come with them. */
export const CODE_LANGUAGES = [
  'typescript',
  'javascript',
  'json',
  'shellscript',
  'elixir',
  'html',
  'css',
  'yaml',
  'markdown',
  'sql',
  'diff',
  'python',
] as const;

const THEMES = { light: 'github-light', dark: 'github-dark' } as const;

/**
 * Shiki's dual-theme output only sets `--shiki-light*` / `--shiki-dark*` variables (defaultColor: false),
 * so the page must map them to colours; serve this with the site's stylesheet.
 */
export const CODE_THEME_CSS = `.shiki, .shiki span { color: var(--shiki-light); background-color: var(--shiki-light-bg); }
@media (prefers-color-scheme: dark) {
  .shiki, .shiki span { color: var(--shiki-dark); background-color: var(--shiki-dark-bg); }
}
`;

export interface RenderStats {
  /** Code blocks passed to shiki; a cached render adds none. */
  readonly highlightCalls: number;
  /** Markdown-to-HTML conversions, i.e. cache misses. */
  readonly renders: number;
  readonly cacheHits: number;
}

interface CachedHtml {
  readonly hash: string;
  readonly html: string;
}

export class PostRenderer {
  readonly #highlighter: Highlighter;
  readonly #markdown: MarkdownIt;
  readonly #languages: ReadonlySet<string>;
  readonly #cache = new Map<string, CachedHtml>();
  #stats = { highlightCalls: 0, renders: 0, cacheHits: 0 };

  private constructor(highlighter: Highlighter) {
    this.#highlighter = highlighter;
    this.#languages = new Set(highlighter.getLoadedLanguages());
    this.#markdown = new MarkdownIt({
      // Posts are trusted-ish text, but raw HTML would let one post break the page or smuggle in a <script>.
      html: false,
      linkify: true,
      typographer: true,
      highlight: (code, info) => this.#highlight(code, info),
    });
  }

  /** Loading grammars and themes takes ~1 s, so do it once at start-up and share the instance. */
  static async create(): Promise<PostRenderer> {
    // Loaded here, not at the top: shiki is the heaviest import, and only post pages need it (cold start).
    const { createHighlighter } = await import('shiki');
    const highlighter = await createHighlighter({
      themes: [THEMES.light, THEMES.dark],
      langs: [...CODE_LANGUAGES],
    });
    return new PostRenderer(highlighter);
  }

  get stats(): RenderStats {
    return { ...this.#stats };
  }

  /** The post body as HTML (title, date and tags are the views' business). */
  render(post: Post): string {
    const hash = createHash('sha256').update(post.markdown).digest('base64url');
    const cached = this.#cache.get(post.slug);
    if (cached?.hash === hash) {
      this.#stats.cacheHits++;
      return cached.html;
    }
    const html = this.#markdown.render(post.markdown);
    this.#stats.renders++;
    this.#cache.set(post.slug, { hash, html });
    return html;
  }

  /** Drops a removed post's HTML; edited posts need no call since the hash no longer matches. */
  forget(slug: string): void {
    this.#cache.delete(slug);
  }

  #highlight(code: string, info: string): string {
    const lang = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (lang === '' || !this.#languages.has(lang)) return plainBlock(code);
    this.#stats.highlightCalls++;
    try {
      return this.#highlighter.codeToHtml(code, { lang, themes: THEMES, defaultColor: false });
    } catch {
      // A grammar bug must cost one block its colours, not the whole post.
      return plainBlock(code);
    }
  }
}

/** Same outer shape as shiki's output so one stylesheet covers both; markdown-it keeps strings starting with <pre as-is. */
function plainBlock(code: string): string {
  return `<pre class="shiki plain"><code>${escapeHtml(code)}</code></pre>`;
}
