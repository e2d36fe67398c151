// The "how we count" page in the site's language: the rules in plain words, then the receipts (src/i18n/how-we-count).
import type { HowWeCountProse } from '../../i18n/how-we-count-prose.js';
import { escapeHtml, html, type RawHtml, raw } from './html.js';

/** A prose sentence with its `{name}` parts filled: markup passes as given, text and numbers are escaped. */
export function prose(text: string, parts: Readonly<Record<string, RawHtml | string | number>> = {}): RawHtml {
  return raw(
    text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const part = parts[name];
      if (part === undefined) return whole;
      return typeof part === 'object' ? part.value : escapeHtml(part);
    }),
  );
}

export function howWeCountPage(
  words: HowWeCountProse,
  language: string,
  readAfterMs: number,
  countMode: string,
): RawHtml {
  const seconds = new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(readAfterMs / 1000);
  return html`<article class="post">
<h1>${words.heading}</h1>
<p>${prose(words.intro, { seconds })}</p>
<ul>
<li>${countMode === 'unique-daily' ? words.uniqueDaily : words.everyRead}</li>
<li>${words.bots}</li>
<li>${words.privacy}</li>
<li>${words.receipts}</li>
</ul>
</article>`;
}
