// Mermaid: a ```mermaid fence stays a readable code block; /_readcount/mermaid/ draws it in the browser when scripts run.
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../escape-html.js';
import { fenceLanguage } from './render-env.js';

export function mermaidPlugin(md: MarkdownIt): void {
  const fallback = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const token = tokens[index];
    if (token && fenceLanguage(token.info) === 'mermaid') {
      // The source goes through the sanitizer like any post HTML: escaped text in allowlisted tags and classes.
      return `<div class="mermaid-diagram"><pre class="mermaid-source"><code>${escapeHtml(token.content)}</code></pre></div>\n`;
    }
    return fallback ? fallback(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
  };
}

/** True when rendered post HTML holds a diagram, so the page loads the mermaid script. */
export const hasMermaid = (html: string): boolean => html.includes('class="mermaid-diagram"');
