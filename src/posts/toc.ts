// Table of contents: a `[[toc]]` or `[TOC]` paragraph (or front matter `toc: true`) becomes a list of the post's headings.
import type MarkdownIt from 'markdown-it';
import tableOfContents from 'markdown-it-table-of-contents';
import { headingId } from './sanitize.js';

/** Either marker, alone on its line; `[TOC]` is Python-Markdown's and many exports keep it. */
const MARKER = /^(?:\[\[toc\]\]|\[toc\])[ \t]*$/im;

/** Front matter `toc: true` puts the marker first; a post that already has one keeps its own place. */
export function withTocMarker(markdown: string, toc: boolean | undefined): string {
  return toc && !MARKER.test(markdown) ? `[[toc]]\n\n${markdown}` : markdown;
}

/** Registered after markdown-it-anchor: the links reuse the ids it gave the headings (deduplicated ones too). */
export function tocPlugin(md: MarkdownIt): void {
  md.use(tableOfContents, {
    includeLevel: [2, 3, 4],
    markerPattern: MARKER,
    slugify: headingId,
    listType: 'ol',
    transformContainerOpen: () => '<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p>',
    transformContainerClose: () => '</nav>',
  });
}
