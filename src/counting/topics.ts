// The app's live topic names, owned here alone: `post:<slug>` for one post's viewers, `posts` for the index page.

/** Every viewer of the index page: `count {slug, count}` for any post. */
export const POSTS_TOPIC = 'posts';
/**
 * Internal (no channel serves it, so no client can join it): each process's committed totals, for the other processes'
 * caches and pushers. The client-facing `posts` topic is pushed by each process to its own index viewers only.
 */
export const TOTALS_TOPIC = 'readcount:totals';
/** The channel pattern the post channel is registered under (as Phoenix's `channel "post:*"`). */
export const POST_TOPIC_PATTERN = 'post:*';
const POST_PREFIX = 'post:';

export const postTopic = (slug: string): string => `${POST_PREFIX}${slug}`;

/** The slug a `post:<slug>` topic names, or undefined for any other topic. */
export const slugOfTopic = (topic: string): string | undefined =>
  topic.startsWith(POST_PREFIX) ? topic.slice(POST_PREFIX.length) : undefined;

/** Pages whose token may join `posts`: the index (and tag pages) and the dashboard, which show every post's count. */
export const INDEX_TOKEN_PAGES: ReadonlySet<string> = new Set(['index', 'stats']);
