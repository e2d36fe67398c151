// Facts taken from a post's markdown for its page head: the first image (og:image) and a description without markup.

const MARKDOWN_IMAGE = /!\[[^\]\n]*\]\(\s*<?([^\s)>]+)/;
const HTML_IMAGE = /<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)/i;

/** The first image the body shows (a markdown image or an `<img>`), as written. */
export function firstImage(markdown: string): string | undefined {
  const candidates = [
    markdown.includes('![') ? MARKDOWN_IMAGE.exec(markdown) : null,
    markdown.includes('<img') ? HTML_IMAGE.exec(markdown) : null,
  ].filter((match): match is RegExpExecArray => match !== null);
  candidates.sort((a, b) => a.index - b.index);
  const src = candidates[0]?.[1];
  return src === undefined || src.startsWith('data:') ? undefined : src;
}

// Table-of-contents markers (`[[toc]]`, `[toc]`, `{:toc}`), shortcodes and Liquid left in text, our video markers.
const MARKERS =
  /\[\[?_?toc_?\]\]?|\{:\s*toc\s*\}|\{\{[<%][\s\S]*?[%>]\}\}|\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}|readcount-video:\S+/gi;
// Inline markdown a front matter description may carry: links, emphasis, code ticks, raw tags.
const LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
const EMPHASIS = /(\*{1,3}|~~|`+)(\S(?:.*?\S)?)\1/g;
// Underscores only around whole words: `snake_case_name` keeps its own.
const UNDERSCORES = /(^|\s)(_{1,3})(\S(?:.*?\S)?)\2(?=$|[\s.,;:!?)])/g;
const TAG = /<\/?[a-z][^>]*>/gi;

/** A description fit for `<meta name="description">` and og:description: plain words, no markers. */
export function cleanDescription(text: string): string {
  if (!/[[\]{}<*_`~]|readcount-video/.test(text)) return text;
  return text
    .replace(MARKERS, '')
    .replace(LINK, '$1')
    .replace(EMPHASIS, '$2')
    .replace(UNDERSCORES, '$1$3')
    .replace(TAG, '')
    .replace(/\s+/g, ' ')
    .trim();
}
