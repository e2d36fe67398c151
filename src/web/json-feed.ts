// JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the same entries as the Atom feed, as JSON.
import type { FeedEntry } from './atom.js';

export interface JsonFeed {
  readonly title: string;
  readonly description?: string;
  readonly language: string;
  /** The site's home page and this feed's own URL, both absolute. */
  readonly home: string;
  readonly self: string;
  readonly author?: string;
  readonly entries: readonly FeedEntry[];
}

export function jsonFeed(feed: JsonFeed): string {
  const authors = (name: string | undefined) => (name ? { authors: [{ name }] } : {});
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.home,
    feed_url: feed.self,
    ...(feed.description ? { description: feed.description } : {}),
    language: feed.language,
    ...authors(feed.author),
    items: feed.entries.map((entry) => ({
      id: entry.url,
      url: entry.url,
      title: entry.title,
      content_html: entry.html,
      ...(entry.summary ? { summary: entry.summary } : {}),
      date_published: entry.date.toISOString(),
      ...(entry.tags.length > 0 ? { tags: [...entry.tags] } : {}),
      ...(entry.image ? { image: entry.image } : {}),
      ...authors(entry.author),
    })),
  });
}
