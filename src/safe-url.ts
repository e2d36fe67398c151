// The one link filter: a URL is parsed as a browser parses it (WHATWG) and passes only as http:, https:, mailto: or a site path.

// What browsers strip before parsing: C0 controls and spaces at either end, ASCII tab and newlines anywhere.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the control characters browsers strip is the point.
const ENDS = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
const TAB_NEWLINE = /[\t\n\r]/g;
const ALLOWED = new Set(['http:', 'https:', 'mailto:']);
/** Relative URLs resolve against this, so they come out as https: and pass; nothing is ever fetched from it. */
const SITE = 'https://site.invalid/';

/**
 * `raw` stripped as a browser strips it, or undefined when it is not a link a reader may follow. Escape it for the
 * attribute it goes into, as any text.
 */
export function safeUrl(raw: string): string | undefined {
  const text = raw.replace(ENDS, '').replace(TAB_NEWLINE, '');
  if (text === '') return undefined;
  const parsed = URL.parse(text, SITE);
  if (parsed === null || !ALLOWED.has(parsed.protocol)) return undefined;
  return text;
}
