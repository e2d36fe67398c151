// Code blocks get a frame with their language's name; the copy button is added by the page script (it needs JavaScript).
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../escape-html.js';
import { isPlainLanguage } from './languages.js';
import { fenceLanguage } from './render-env.js';

/** Register before the plugins that take over whole fences (math, mermaid): they then see the fence first. */
export function codeFramePlugin(md: MarkdownIt): void {
  const fallback = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const inner = fallback ? fallback(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
    const lang = fenceLanguage(tokens[index]?.info ?? '');
    const label = lang === '' || isPlainLanguage(lang) ? '' : `<span class="code-lang">${escapeHtml(lang)}</span>`;
    return `<div class="code-block">${label}${inner}</div>\n`;
  };
}

/** True when rendered post HTML holds a code block, so the page loads the copy-button script. */
export const hasCodeBlock = (html: string): boolean => html.includes('class="code-block"');
