// Renders post markdown to safe HTML once per content version; shiki grammars load when a post first needs them.

import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import MarkdownIt, { type PluginSimple } from 'markdown-it';
import anchor from 'markdown-it-anchor';
import footnote from 'markdown-it-footnote';
import type { Highlighter } from 'shiki';
import { codeFramePlugin } from './code-frame.js';
import { expandVideoMarkers } from './formats/embeds.js';
import { fenceLanguages, isPlainLanguage, plainBlock } from './languages.js';
import { mathPlugin } from './math.js';
import { mermaidPlugin } from './mermaid.js';
import type { Post } from './post.js';
import type { RenderEnv } from './render-env.js';
import { bundleBase, headingId, type ImageAttributes, sanitizePostHtml } from './sanitize.js';
import { tocPlugin, withTocMarker } from './toc.js';

/** Grammars loaded at warm-up (the common ones); any other shiki language loads when a post first uses it. */
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

/** Posts scanned for fence languages per event-loop turn by `warmLanguages`. */
const WARM_SCAN_CHUNK = 200;

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
  /** Grammars loaded after warm-up because a post used them. */
  readonly languagesLoaded: number;
}

export interface RendererOptions {
  /** Told once per file and language when a fence names a language shiki does not know (rendered as plain code). */
  readonly onUnknownLanguage?: (file: string, language: string) => void;
  /** Bytes of rendered HTML kept (least recently used dropped first); a dropped post renders again when asked for. */
  readonly cacheBytes?: number;
  /** Adds width/height and srcset to local images (src/images); without it images keep the post's attributes. */
  readonly images?: ImageAttributes;
}

interface CachedHtml {
  readonly hash: string;
  readonly html: string;
}

export class PostRenderer {
  readonly #highlighter: Highlighter;
  /** Every language shiki bundles (ids and aliases), each loadable on demand. */
  readonly #bundled: ReadonlySet<string>;
  readonly #markdown: MarkdownIt;
  readonly #onUnknown: (file: string, language: string) => void;
  readonly #images: ImageAttributes | undefined;
  readonly #reported = new Set<string>();
  #languages: ReadonlySet<string>;
  readonly #loading = new Map<string, Promise<void>>();
  readonly #cache: LRUCache<string, CachedHtml>;
  // Post versions whose grammars are all loaded: serving them again costs no scan of the markdown.
  readonly #prepared = new WeakSet<Post>();
  #stats = { highlightCalls: 0, renders: 0, cacheHits: 0, languagesLoaded: 0 };
  // Per render: the post being rendered, its code blocks, and whether one waited for a grammar (then: no caching).
  #current: { post: Post; blocks: string[]; nonce: string; incomplete: boolean } | undefined;

  private constructor(highlighter: Highlighter, bundled: ReadonlySet<string>, options: RendererOptions) {
    this.#highlighter = highlighter;
    this.#bundled = bundled;
    this.#onUnknown = options.onUnknownLanguage ?? (() => {});
    this.#images = options.images;
    this.#languages = new Set(highlighter.getLoadedLanguages());
    this.#cache = new LRUCache<string, CachedHtml>({
      maxSize: options.cacheBytes ?? 16 * 2 ** 20,
      // V8 keeps ASCII text one byte a character; this is close enough for a budget.
      sizeCalculation: (entry) => entry.html.length + 128,
    });
    this.#markdown = new MarkdownIt({
      // Raw HTML is allowed because real posts use <details>, <figure>, <video>…; sanitizePostHtml keeps it safe.
      html: true,
      linkify: true,
      typographer: true,
      highlight: (code, info) => this.#highlight(code, info),
    })
      .use(anchor, { slugify: headingId, permalink: anchor.permalink.headerLink({ safariReaderFix: true }) })
      // @types/markdown-it-footnote describes markdown-it's CommonJS types; the plugin itself is the same function.
      .use(footnote as unknown as PluginSimple)
      // After anchor (the contents link its ids); code frames before the plugins that take whole fences over.
      .use(tocPlugin)
      .use(codeFramePlugin)
      .use(mathPlugin)
      .use(mermaidPlugin);
  }

  /** Loading the warm-up grammars and themes takes ~1 s, so do it once at start-up and share the instance. */
  static async create(options: RendererOptions = {}): Promise<PostRenderer> {
    // Loaded here, not at the top: shiki is the heaviest import, and only post pages need it (cold start).
    const { createHighlighter, bundledLanguages } = await import('shiki');
    const highlighter = await createHighlighter({
      themes: [THEMES.light, THEMES.dark],
      langs: [...CODE_LANGUAGES],
    });
    return new PostRenderer(highlighter, new Set(Object.keys(bundledLanguages)), options);
  }

  get stats(): RenderStats {
    return { ...this.#stats };
  }

  /**
   * Loads the grammars this post's code fences need and returns a promise, or returns undefined when all are
   * loaded already (the common case, so a warm page is served without a promise). Call it before `render`:
   * a render that finds a grammar missing shows that block plain and is not cached.
   */
  prepare(post: Post): Promise<void> | undefined {
    if (this.#prepared.has(post)) return undefined;
    const missing = fenceLanguages(post.markdown).filter(
      (lang) => !this.#languages.has(lang) && this.#bundled.has(lang),
    );
    if (missing.length === 0) {
      this.#prepared.add(post);
      return undefined;
    }
    return Promise.all(missing.map((lang) => this.#load(lang))).then(() => undefined);
  }

  /**
   * Gets, in the background, the grammars these posts use ready, so no reader's first fetch pays for one: loads those
   * not loaded yet (a few hundred ms each), then renders one post per language, since a grammar compiles its
   * patterns on first use, not on load (tens of ms). Scans, loads and renders in small steps behind `setImmediate`,
   * so requests go first; the posts rendered are cached like any other.
   */
  async warmLanguages(posts: readonly Post[]): Promise<void> {
    const wanted = new Set<string>();
    const samples = new Map<string, Post>();
    for (let start = 0; start < posts.length; start += WARM_SCAN_CHUNK) {
      await new Promise<void>((done) => setImmediate(done));
      for (const post of posts.slice(start, start + WARM_SCAN_CHUNK)) {
        for (const lang of fenceLanguages(post.markdown)) {
          if (!this.#bundled.has(lang) || samples.has(lang)) continue;
          samples.set(lang, post);
          if (!this.#languages.has(lang)) wanted.add(lang);
        }
      }
    }
    for (const lang of wanted) {
      await new Promise<void>((done) => setImmediate(done));
      await this.#load(lang);
    }
    for (const post of new Set(samples.values())) {
      await new Promise<void>((done) => setImmediate(done));
      if (this.prepare(post) === undefined) this.render(post);
    }
  }

  /** The post body as safe HTML (title, date and tags are the views' business). */
  render(post: Post): string {
    return this.#cached(post.slug, withTocMarker(post.markdown, post.toc), post);
  }

  /** The markdown before `<!--more-->` as safe HTML, or undefined when the post marks no excerpt. */
  renderExcerpt(post: Post): string | undefined {
    return post.excerpt === undefined ? undefined : this.#cached(`${post.slug}\0excerpt`, post.excerpt, post);
  }

  /** Drops a removed post's HTML; edited posts need no call since the hash no longer matches. */
  forget(slug: string): void {
    this.#cache.delete(slug);
    this.#cache.delete(`${slug}\0excerpt`);
  }

  #cached(key: string, markdown: string, post: Post): string {
    // The bundle folder changes where relative links point, so it is part of the version.
    const hash = createHash('sha256')
      .update(post.bundleDir === undefined ? '' : `${post.slug}\0`)
      .update(markdown)
      .digest('base64url');
    const cached = this.#cache.get(key);
    if (cached?.hash === hash) {
      this.#stats.cacheHits++;
      return cached.html;
    }
    const current = { post, blocks: [] as string[], nonce: randomBytes(9).toString('hex'), incomplete: false };
    this.#current = current;
    let html: string;
    try {
      const env: RenderEnv = { park: (parked) => this.#park(parked) };
      const raw = this.#markdown.render(markdown, env);
      const bundle = post.bundleDir === undefined ? undefined : bundleBase(post.slug);
      html = sanitizePostHtml(raw, bundle, post.bundleDir, this.#images);
      html = expandVideoMarkers(html);
    } finally {
      this.#current = undefined;
    }
    // Highlighted blocks skip the sanitizer (their inline styles are shiki's, and the code inside is escaped).
    html = html.replace(
      new RegExp(`(?:<pre>)?${current.nonce}:(\\d+);(?:</pre>)?`, 'g'),
      (_, index: string) => current.blocks[Number(index)] ?? '',
    );
    this.#stats.renders++;
    if (!current.incomplete) this.#cache.set(key, { hash, html });
    return html;
  }

  #load(lang: string): Promise<void> {
    let loading = this.#loading.get(lang);
    if (!loading) {
      loading = this.#highlighter
        .loadLanguage(lang as Parameters<Highlighter['loadLanguage']>[0])
        .then(() => {
          this.#languages = new Set(this.#highlighter.getLoadedLanguages());
          this.#stats.languagesLoaded++;
        })
        // A grammar that fails to load costs its blocks their colours; the next prepare tries again.
        .catch(() => undefined)
        .finally(() => this.#loading.delete(lang));
      this.#loading.set(lang, loading);
    }
    return loading;
  }

  #highlight(code: string, info: string): string {
    const current = this.#current;
    const lang =
      info
        .trim()
        .split(/[\s,{]/)[0]
        ?.toLowerCase() ?? '';
    if (lang === '' || isPlainLanguage(lang) || !this.#languages.has(lang)) {
      if (lang !== '' && !isPlainLanguage(lang) && current) {
        if (this.#bundled.has(lang)) {
          current.incomplete = true;
          void this.#load(lang);
        } else this.#reportUnknown(current.post.file, lang);
      }
      return this.#block(plainBlock(code));
    }
    this.#stats.highlightCalls++;
    try {
      return this.#block(this.#highlighter.codeToHtml(code, { lang, themes: THEMES, defaultColor: false }));
    } catch {
      // A grammar bug must cost one block its colours, not the whole post.
      return this.#block(plainBlock(code));
    }
  }

  /** Parks a finished code block outside the sanitizer behind a per-render token no post can guess. */
  #block(html: string): string {
    const token = this.#park(html);
    return token === html ? html : `<pre>${token}</pre>`;
  }

  /** The same for inline HTML (math): a bare token, which the sanitizer passes as text; `;` ends it even when
   * the next token follows at once (their nonce may start with a digit). */
  #park(html: string): string {
    const current = this.#current;
    if (!current) return html;
    current.blocks.push(html);
    return `${current.nonce}:${current.blocks.length - 1};`;
  }

  #reportUnknown(file: string, lang: string): void {
    const key = `${file}\0${lang}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    try {
      this.#onUnknown(file, lang);
    } catch {
      // A logger that throws must not cost the reader the post.
    }
  }
}
