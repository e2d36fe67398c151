// Plain text from markdown for summaries: a post's first paragraph (its description) and a heading's words.

import type { Token } from 'markdown-it';
import MarkdownIt from 'markdown-it';

const MAX_DESCRIPTION_CHARS = 300;

// Only used to pull plain text out of headings and the first paragraph; html:true so inline tags can be dropped.
const textParser = new MarkdownIt({ html: true, linkify: false, typographer: true });

/** A heading's (or any inline markdown's) words, without markup. */
export function inlineMarkdownText(markdown: string): string {
  // parseInline wraps the result in one 'inline' token; the text lives in its children.
  return inlineText(textParser.parseInline(markdown, {})[0]?.children ?? []);
}

/** Plain text of the first top-level paragraph that has any, for meta descriptions and feeds. */
export function firstParagraph(markdown: string): string {
  // Parsing a whole post for one paragraph dominated cold start. A prefix cut at a blank line parses the same,
  // so try the first block, then a longer prefix, before the whole text. Reference-style link definitions can
  // sit anywhere and change how a paragraph reads, so posts with any take the slow path.
  if (!REFERENCE_DEFINITION.test(markdown)) {
    const start = markdown.search(/\S/);
    for (const cut of [markdown.indexOf('\n\n', Math.max(0, start)), markdown.indexOf('\n\n', PREFIX_CHARS)]) {
      if (cut <= 0) continue;
      const fromPrefix = paragraphText(markdown.slice(0, cut), true);
      if (fromPrefix !== '') return fromPrefix;
    }
  }
  return paragraphText(markdown, false);
}

const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

const PREFIX_CHARS = 2048;

/**
 * The first paragraph with text (top-level ones first unless `topLevelOnly`). Only blocks are parsed for the whole
 * text; inline parsing, most of markdown-it's cost, runs on the candidate paragraphs one at a time until one has text.
 */
function paragraphText(markdown: string, topLevelOnly: boolean): string {
  const env = {};
  const tokens: Token[] = [];
  // What markdown-it's `normalize` core rule does before the block parser runs.
  const source = /[\r\0]/.test(markdown) ? markdown.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD') : markdown;
  textParser.block.parse(source, textParser, env, tokens);
  const candidates = tokens.filter(
    (token, index) => token.type === 'inline' && tokens[index - 1]?.type === 'paragraph_open',
  );
  const topLevel = candidates.filter((token) => token.level === 1);
  const ordered = topLevelOnly ? topLevel : [...topLevel, ...candidates];
  const tried = new Set<Token>();
  for (const token of ordered) {
    if (tried.has(token)) continue;
    tried.add(token);
    const text = inlineText(textParser.parseInline(token.content, env)[0]?.children ?? []);
    if (text !== '') return truncate(text, MAX_DESCRIPTION_CHARS);
  }
  return '';
}

function inlineText(tokens: readonly Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === 'text' || token.type === 'code_inline') parts.push(token.content);
    else if (token.type === 'softbreak' || token.type === 'hardbreak') parts.push(' ');
    // images and inline HTML carry no prose worth putting in a summary
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}
