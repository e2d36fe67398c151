// A Post object for render tests: the fields a parsed file would have, dated 2024-01-01, with overrides.
import type { Post } from '../../src/posts/post.js';

export function makePost(slug: string, markdown: string, extra: Partial<Post> = {}): Post {
  return {
    slug,
    title: 'T',
    date: new Date('2024-01-01T00:00:00Z'),
    description: '',
    tags: [],
    draft: false,
    markdown,
    readingMinutes: 1,
    file: `/posts/${slug}.md`,
    ...extra,
  };
}
