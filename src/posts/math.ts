// Math: `$…$`, `$$…$$` and ```math fences typeset to HTML on the server by KaTeX (no script in the browser).
import { tex } from '@mdit/plugin-tex';
import katex from 'katex';
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../escape-html.js';
import { parked } from './render-env.js';

/** Macro expansions per formula: KaTeX's guard against `\def` loops, so one formula's cost is bounded. */
export const MATH_MAX_EXPAND = 1000;
/** Largest `\rule` or `\kern` in em: a formula cannot draw a box that covers the page. */
export const MATH_MAX_SIZE_EM = 50;
/** Longer formulas are shown as their source: KaTeX's time grows with the input. */
export const MATH_MAX_CHARS = 10_000;

/**
 * KaTeX's HTML carries inline styles (heights, kerns), so it is parked past the sanitizer; it is safe to do so because
 * `trust: false` refuses `\href`, `\url`, `\htmlClass` and friends and every character of the input is escaped.
 */
export function renderMath(source: string, displayMode: boolean): string {
  if (source.length > MATH_MAX_CHARS) return mathSource(source, displayMode);
  try {
    return katex.renderToString(source, {
      displayMode,
      output: 'htmlAndMathml',
      throwOnError: false,
      trust: false,
      strict: 'ignore',
      maxExpand: MATH_MAX_EXPAND,
      maxSize: MATH_MAX_SIZE_EM,
    });
  } catch {
    // throwOnError: false still throws on a few internal limits (maxExpand); the reader gets the source.
    return mathSource(source, displayMode);
  }
}

function mathSource(source: string, displayMode: boolean): string {
  const code = `<code class="math-source">${escapeHtml(source)}</code>`;
  return displayMode ? `<pre>${code}</pre>` : code;
}

export function mathPlugin(md: MarkdownIt): void {
  md.use(tex, {
    delimiters: 'dollars',
    mathFence: true,
    render: (content, displayMode, env) => parked(env, renderMath(content, displayMode)),
  });
}

/** True when rendered post HTML holds typeset math, so the page links KaTeX's stylesheet. */
export const hasMath = (html: string): boolean => html.includes('class="katex');
