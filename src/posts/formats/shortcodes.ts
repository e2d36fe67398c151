// Hugo's common built-in shortcodes as markdown or HTML; any other shortcode stays visible (as code) and is noted.

import { escapeHtml } from '../../escape-html.js';
import { postBaseName, slugify } from '../slug.js';
import { videoMarker } from './embeds.js';
import { asBlock, fencedBlock, lineAt, type Notes } from './segments.js';

// `{{< name args >}}` or `{{% name args %}}`; `{{</* … */>}}` is Hugo's way of writing one literally. No two parts of
// the pattern can match the same characters (no `\s*` beside another, args end where `*/`, `>` or `%` begin), so a
// shortcode left open on a long line fails in linear time instead of backtracking for minutes.
const SHORTCODE =
  /\{\{([<%])\s*(\/\*\s*)?(\/?)([\w.-]+)((?:[^>%"`*{}]|\*(?!\/)|"(?:[^"\\]|\\.)*"|`[^`]*`)*)(\*\/\s*)?([>%])\}\}/g;
const ARG = /([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+))|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g;
/** Shortcodes with a closing tag whose inner text is theirs. */
const PAIRED = new Set(['highlight']);

interface Args {
  readonly named: Record<string, string>;
  readonly positional: string[];
}

function parseArgs(text: string): Args {
  const named: Record<string, string> = {};
  const positional: string[] = [];
  for (const m of text.matchAll(ARG)) {
    const unquote = (value: string) => value.replace(/\\(.)/g, '$1');
    if (m[1] !== undefined) named[m[1]] = unquote(m[2] ?? m[3] ?? m[4] ?? '');
    else positional.push(unquote(m[5] ?? m[6] ?? m[7] ?? ''));
  }
  return { named, positional };
}

/** A `ref`/`relref` target as this site's URL: `posts/trip/index.md#day-2` → `/post/trip#day-2`. */
function refPath(target: string): string {
  const [path = '', hash] = target.split('#');
  const parts = path.split('/').filter(Boolean);
  let name = postBaseName(parts.pop() ?? '');
  if (/^_?index$/.test(name)) name = parts.pop() ?? name;
  const slug = slugify(name) ?? name;
  return `/post/${slug}${hash === undefined ? '' : `#${hash}`}`;
}

function linkCard(url: string, label: string): string {
  return `<blockquote><p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p></blockquote>`;
}

function figure(args: Args): string {
  const { src = '', alt = '', caption, title, link } = args.named;
  const image = `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt || caption || title || '')}">`;
  const body = link ? `<a href="${escapeHtml(link)}">${image}</a>` : image;
  const text = [title, caption].filter(Boolean).join(': ');
  return `<figure>${body}${text ? `<figcaption>${escapeHtml(text)}</figcaption>` : ''}</figure>`;
}

type Render = (args: Args, params: Readonly<Record<string, unknown>>) => string | undefined;

const RENDERERS: Readonly<Record<string, Render>> = {
  figure,
  youtube: ({ named, positional }) => {
    const id = named.id ?? positional[0];
    return id ? videoMarker('youtube', id) : undefined;
  },
  vimeo: ({ named, positional }) => {
    const id = named.id ?? positional[0];
    return id ? videoMarker('vimeo', id) : undefined;
  },
  gist: ({ positional: [user, id, file] }) =>
    user && id
      ? linkCard(`https://gist.github.com/${user}/${id}`, `Gist ${user}/${id}${file ? ` (${file})` : ''}`)
      : undefined,
  tweet: ({ named, positional }) => {
    const user = named.user ?? (positional.length > 1 ? positional[0] : undefined);
    const id = named.id ?? positional[positional.length - 1];
    if (!id || !/^\d+$/.test(id)) return undefined;
    const url = user ? `https://x.com/${user}/status/${id}` : `https://x.com/i/status/${id}`;
    return linkCard(url, user ? `Post by @${user} on X` : 'A post on X');
  },
  ref: ({ positional }) => (positional[0] ? refPath(positional[0]) : undefined),
  relref: ({ positional }) => (positional[0] ? refPath(positional[0]) : undefined),
  param: ({ positional }, params) => {
    const key = positional[0] ?? '';
    const value = params[key] ?? params[key.toLowerCase()];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  },
};

const HIGHLIGHT_OPEN = /\{\{[<%]\s*highlight\s([^>%{}]*)[>%]\}\}/g;
const HIGHLIGHT_CLOSE = /\{\{[<%]\s*\/highlight\s*[>%]\}\}/g;

/**
 * `{{< highlight lang >}}…{{< /highlight >}}` as fenced code. A scan forward, each opening paired with the next
 * closing: once no closing is left, no later opening can have one, so many unclosed openings cost one pass.
 */
function convertHighlights(chunk: string): string {
  let out = '';
  let from = 0;
  HIGHLIGHT_OPEN.lastIndex = 0;
  for (let open = HIGHLIGHT_OPEN.exec(chunk); open; open = HIGHLIGHT_OPEN.exec(chunk)) {
    HIGHLIGHT_CLOSE.lastIndex = HIGHLIGHT_OPEN.lastIndex;
    const close = HIGHLIGHT_CLOSE.exec(chunk);
    if (!close) break;
    const code = chunk.slice(HIGHLIGHT_OPEN.lastIndex, close.index);
    const whole = chunk.slice(open.index, HIGHLIGHT_CLOSE.lastIndex);
    out +=
      chunk.slice(from, open.index) + asBlock(fencedBlock(parseArgs(open[1] ?? '').positional[0] ?? '', code), whole);
    from = HIGHLIGHT_CLOSE.lastIndex;
    HIGHLIGHT_OPEN.lastIndex = from;
  }
  return from === 0 ? chunk : out + chunk.slice(from);
}

export function convertShortcodes(
  chunk: string,
  startLine: number,
  notes: Notes,
  params: Readonly<Record<string, unknown>>,
): string {
  if (!chunk.includes('{{<') && !chunk.includes('{{%')) return chunk;
  const pairs = convertHighlights(chunk);
  return pairs.replace(
    SHORTCODE,
    (whole, _open, escOpen, closing, name: string, args: string, escClose, _close, offset: number) => {
      if (escOpen && escClose)
        return `\`${whole
          .replace('/*', '')
          .replace('*/', '')
          .replace(/\s+(?=[>%]\}\})/, ' ')}\``;
      const render = closing || PAIRED.has(name) ? undefined : RENDERERS[name];
      const html = render?.(parseArgs(args), params);
      if (html !== undefined) return asBlock(html, whole);
      const line = lineAt(pairs, offset, startLine);
      if (!closing) notes.add(line, `shortcode {{< ${name} >}} is not run (shown as written)`);
      // As code, so its quotes stay straight and nothing in it is read as markdown.
      return `\`${whole}\``;
    },
  );
}
