// Code fences: which languages a post names (without parsing the whole post) and the plain block for the rest.
import { escapeHtml } from '../escape-html.js';

/** Fences a render plugin takes over (math.ts, mermaid.ts): no grammar is loaded for them. */
const TAKEN = ['math', 'mermaid'];

/** Fence languages that mean "no highlighting" and are never reported as unknown. */
const PLAIN = new Set(['text', 'plaintext', 'txt', 'plain', 'none', 'nohighlight', 'output', 'raw', ...TAKEN]);

const FENCE_INFO = /^ {0,3}(?:`{3,}|~{3,})[ \t]*([^\s`{,]+)/gm;

export function isPlainLanguage(lang: string): boolean {
  return PLAIN.has(lang);
}

/** Lowercased, deduplicated languages named on fence lines (a closing fence names none). */
export function fenceLanguages(markdown: string): string[] {
  if (!markdown.includes('```') && !markdown.includes('~~~')) return [];
  const found = new Set<string>();
  for (const match of markdown.matchAll(FENCE_INFO)) {
    const lang = match[1]?.toLowerCase();
    if (lang && !PLAIN.has(lang)) found.add(lang);
  }
  return [...found];
}

/** Same outer shape as shiki's output so one stylesheet covers both; markdown-it keeps strings starting with <pre as-is. */
export function plainBlock(code: string): string {
  return `<pre class="shiki plain"><code>${escapeHtml(code)}</code></pre>`;
}
