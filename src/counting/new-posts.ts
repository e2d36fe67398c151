// Posts added while serving get their counters (retried while the store is away) and are announced to index pages.
import type { PostLibrary } from '../posts/library.js';
import type { PubSub } from '../pubsub/pubsub.js';
import type { ReadCounter } from './read-counter.js';
import { POSTS_TOPIC } from './topics.js';

/** Creating counters for new posts is retried with doubling waits up to this (a Redis outage can last). */
const ADD_POSTS_RETRY_MAX_MS = 30_000;

export interface NewPostsOptions {
  readonly library: PostLibrary;
  readonly counter: Pick<ReadCounter, 'addPosts'>;
  readonly pubsub: Pick<PubSub, 'localBroadcast'>;
  readonly onError: (message: string, error: unknown) => void;
}

/** Follows the library's changes; the returned function stops following them and the retries (at close). */
export function followNewPosts({ library, counter, pubsub, onError }: NewPostsOptions): () => void {
  let stopped = false;
  // A new post without a counter has no page (404) until one is made, so a failure (Redis briefly away) is retried.
  const addPosts = (slugs: readonly string[], attempt = 0): void => {
    counter.addPosts(slugs).then(
      () => announce(slugs),
      (error: unknown) => {
        if (stopped) return;
        const retryMs = Math.min(ADD_POSTS_RETRY_MAX_MS, 1000 * 2 ** attempt);
        onError(`could not create counters for ${slugs.join(', ')}; retrying in ${retryMs} ms`, error);
        setTimeout(() => !stopped && addPosts(slugs, attempt + 1), retryMs).unref();
      },
    );
  };
  // Open index pages fetch their list again when a post goes up (a scheduled one at its instant, or a new file).
  // Each instance publishes on its own timer, so this stays local: a relayed copy would arrive once per instance.
  const announce = (slugs: readonly string[]): void => {
    const posts = slugs.filter((slug) => {
      const post = library.get(slug);
      return post !== undefined && post.kind !== 'page';
    });
    if (posts.length > 0) pubsub.localBroadcast(POSTS_TOPIC, 'published', { slugs: posts });
  };
  const onChange = (changes: { readonly added: readonly string[] }): void => {
    if (changes.added.length > 0) addPosts(changes.added);
  };
  library.on('change', onChange);
  return () => {
    stopped = true;
    library.off('change', onChange);
  };
}
