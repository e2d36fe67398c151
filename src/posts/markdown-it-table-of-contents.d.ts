// Types for markdown-it-table-of-contents, which ships none: only the options readcount passes.
declare module 'markdown-it-table-of-contents' {
  import type { PluginWithOptions } from 'markdown-it';

  interface TableOfContentsOptions {
    includeLevel?: number[];
    markerPattern?: RegExp;
    slugify?: (text: string) => string;
    listType?: 'ul' | 'ol';
    transformContainerOpen?: () => string;
    transformContainerClose?: () => string;
  }

  const tableOfContents: PluginWithOptions<TableOfContentsOptions>;
  export default tableOfContents;
}
