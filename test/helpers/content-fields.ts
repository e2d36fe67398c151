// Stand-in for the post fields the content parser fills (kind, aliases, image, bundleDir) while web tests run without it.
// Each field is set only when the loaded post lacks it, so once the parser sets them this changes nothing.
import { readFileSync } from 'node:fs';
import { parsePostFile } from '../../src/posts/parse.js';
import type { Post } from '../../src/posts/post.js';
import type { Readcount } from '../../src/readcount.js';
import { until } from './wait.js';

export type ExtraFields = Pick<Post, 'kind' | 'aliases' | 'image' | 'bundleDir'>;

/** `bundles`: slug → folder holding index.md, for a loader that does not read page bundles yet. */
export async function withContentFields(
  readcount: Readcount,
  extras: Record<string, Partial<ExtraFields>>,
  bundles: Record<string, string> = {},
): Promise<void> {
  const { library, counter } = readcount;
  const list = library.list.bind(library);
  const added: Post[] = [];
  for (const [slug, dir] of Object.entries(bundles)) {
    if (library.get(slug)) continue;
    const file = `${dir}/index.md`;
    const parsed = parsePostFile(file, readFileSync(file, 'utf8'));
    if (!('slug' in parsed)) throw new Error(`fixture ${file}: ${parsed.reason}`);
    added.push({ ...parsed, slug, bundleDir: dir });
  }
  const enrich = (post: Post): Post => {
    const extra = extras[post.slug] ?? {};
    const missing = Object.entries(extra).filter(([key]) => post[key as keyof Post] === undefined);
    return missing.length === 0 ? post : { ...post, ...Object.fromEntries(missing) };
  };
  const cache = new WeakMap<readonly Post[], readonly Post[]>();
  const enriched = (): readonly Post[] => {
    const base = list();
    let out = cache.get(base);
    if (!out) {
      out = Object.freeze([...base, ...added].map(enrich).sort((a, b) => b.date.getTime() - a.date.getTime()));
      cache.set(base, out);
    }
    return out;
  };
  library.list = enriched;
  library.get = (slug: string) => enriched().find((post) => post.slug === slug);
  library.slugs = () => enriched().map((post) => post.slug);
  if (added.length > 0) {
    library.emit('change', { added: added.map((post) => post.slug), removed: [], changed: [] });
    await until(() => added.every((post) => counter.count(post.slug) !== undefined), 'counters for bundle posts');
  }
}
