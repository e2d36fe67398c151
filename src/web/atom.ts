// Atom 1.0 XML, written here because the `feed` library marks every entry title type="html" (titles are text).
import { escapeHtml } from '../escape-html.js';

export interface FeedEntry {
  readonly title: string;
  readonly url: string;
  readonly date: Date;
  readonly summary: string;
  /** The whole post as HTML, every URL in it absolute. */
  readonly html: string;
  readonly tags: readonly string[];
  readonly author?: string;
  readonly image?: string;
}

export interface AtomFeed {
  readonly title: string;
  readonly subtitle?: string;
  /** `xml:lang` of the feed (SITE_LANGUAGE). */
  readonly language: string;
  readonly id: string;
  readonly self: string;
  /** Atom wants an author on the feed or on every entry; the site's title stands in when no author is set. */
  readonly author: string;
  readonly entries: readonly FeedEntry[];
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
};

// Characters XML 1.0 forbids even escaped; a post containing one must not make the whole feed unparseable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters XML forbids is the point.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

const escapeXml = (value: string): string => escapeHtml(value.replace(INVALID_XML, ''));

function imageType(url: string): string | undefined {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return extension ? IMAGE_TYPES[extension] : undefined;
}

function entryXml(entry: FeedEntry): string {
  const date = entry.date.toISOString();
  const type = entry.image && imageType(entry.image);
  return [
    '<entry>',
    `<title type="text">${escapeXml(entry.title)}</title>`,
    `<id>${escapeXml(entry.url)}</id>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(entry.url)}"/>`,
    `<published>${date}</published>`,
    `<updated>${date}</updated>`,
    entry.author ? `<author><name>${escapeXml(entry.author)}</name></author>` : '',
    ...entry.tags.map((tag) => `<category term="${escapeXml(tag)}"/>`),
    entry.image
      ? `<link rel="enclosure" href="${escapeXml(entry.image)}"${type ? ` type="${type}"` : ''}/><media:thumbnail url="${escapeXml(entry.image)}"/>`
      : '',
    entry.summary ? `<summary type="text">${escapeXml(entry.summary)}</summary>` : '',
    `<content type="html">${escapeXml(entry.html)}</content>`,
    '</entry>',
  ]
    .filter(Boolean)
    .join('\n');
}

export function atomXml(feed: AtomFeed): string {
  const updated = feed.entries.reduce((latest, entry) => Math.max(latest, entry.date.getTime()), 0);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="${escapeXml(feed.language)}">
<title>${escapeXml(feed.title)}</title>
${feed.subtitle ? `<subtitle>${escapeXml(feed.subtitle)}</subtitle>\n` : ''}<id>${escapeXml(feed.id)}</id>
<link rel="alternate" type="text/html" href="${escapeXml(feed.id)}"/>
<link rel="self" type="application/atom+xml" href="${escapeXml(feed.self)}"/>
<updated>${new Date(updated).toISOString()}</updated>
<author><name>${escapeXml(feed.author)}</name></author>
<generator>readcount</generator>
${feed.entries.map(entryXml).join('\n')}
</feed>
`;
}
