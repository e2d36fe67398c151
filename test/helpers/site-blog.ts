// The fixture blog for site-content tests: posts (a bundle, pages, one clashing with /stats), static files, secrets.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';

// A 1×1 PNG: real image bytes, so content types and lengths are those of a real file.
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
export const SECRET = 'SECRET-MARKER-do-not-serve';

export const post = (front: string, body: string) => `---\n${front}\n---\n\n${body}\n`;

/** The fixture blog: posts (one a bundle, one a page, one a page that collides with /stats), static files, a secret. */
async function writeBlog(root: string): Promise<void> {
  const posts = join(root, 'posts');
  await mkdir(join(posts, 'trip'), { recursive: true });
  await mkdir(join(root, 'static', 'images', '.hidden'), { recursive: true });
  await mkdir(join(root, 'static', '.git'), { recursive: true });
  await writeFile(
    join(posts, 'hello.md'),
    post(
      'title: "Why <div> & friends"\ndate: 2024-03-01\ntags: [rust, web, open source]\nimage: /images/cover.png\naliases:\n  - /2013/05/12/hello.html\n  - /old/hello/\n  - /post/old-hello',
      `Intro with ![one](/images/img1.png), [second](/post/second), [away](https://example.org/x) and [anchor](#top).\n\n<script>window.__fromPost = 1</script>\n\nA long address: https://example.org/a/very/long/path/that/does/not/break/naturally/because/it/has/no/spaces/index.html and \`some_really_long_inline_code_identifier_without_any_break_opportunity_whatsoever()\`.`,
    ),
  );
  await writeFile(
    join(posts, 'second.md'),
    post(
      'title: Second\ndate: 2024-02-01\ntags: [web]',
      'Second post, with code as real posts have it.\n\n```ts\n// a comment\nconst greeting: string = "hello";\nexport function add(a: number, b = 2): number {\n  return a + b; /* sum */\n}\n```\n\n```elixir\ndefmodule Counter do\n  # state holds the count\n  def inc(%{count: c} = s), do: %{s | count: c + 1}\n  @doc "docs"\n  def name, do: :counter\nend\n```\n\n```sh\n$ curl -s http://localhost:4000/api/posts | jq .posts # list\n```\n\n> A quote.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    ),
  );
  await writeFile(
    join(posts, 'about.md'),
    post('title: About me\ndate: 2024-01-01\nlayout: page\ntags: [web]\naliases:\n  - /about-me', 'I write.'),
  );
  await writeFile(join(posts, 'stats.md'), post('title: Stats page\ndate: 2024-01-01\nlayout: page', 'Clash.'));
  await writeFile(
    join(posts, 'trip', 'index.md'),
    post('title: Trip\ndate: 2024-04-01\nimage: photo.png', '![photo](photo.png)'),
  );
  await writeFile(join(posts, 'trip', 'photo.png'), PNG);
  await writeFile(join(posts, 'trip', '.secret'), SECRET);
  await writeFile(join(root, 'static', 'images', 'img1.png'), PNG);
  await writeFile(join(root, 'static', 'images', 'cover.png'), PNG);
  await writeFile(join(root, 'static', 'images', '.hidden', 'x.png'), PNG);
  await writeFile(join(root, 'static', '.env'), SECRET);
  await writeFile(join(root, 'static', '.git', 'config'), SECRET);
  await writeFile(join(root, 'static', 'robots.txt'), 'User-agent: *\n');
  await writeFile(join(root, 'static', 'feed.xml'), `<shadowed>${SECRET}</shadowed>`);
  await writeFile(join(root, 'static', 'custom.css'), ':root { --width: 44rem; }\n');
  await writeFile(join(root, 'outside.txt'), SECRET);
}

export interface Blog {
  readonly readcount: Readcount;
  readonly root: string;
  readonly logs: string[];
  readonly port: number;
  close(): Promise<void>;
}

export async function startBlog(env: Record<string, string> = {}): Promise<Blog> {
  const root = await mkdtemp(join(tmpdir(), 'readcount-site-'));
  await writeBlog(root);
  const logs: string[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => (logs.push(...String(chunk).split('\n').filter(Boolean)), done()),
  });
  const readcount = await createReadcount(
    readConfig({
      POSTS_DIR: join(root, 'posts'),
      DATA_DIR: join(root, 'data'),
      STATIC_DIR: join(root, 'static'),
      LOG_LEVEL: 'info',
      ...env,
    }),
    { watch: false, logger: { stream } },
  );
  await readcount.app.listen({ port: 0, host: '127.0.0.1' });
  const address = readcount.app.server.address();
  assert.ok(address && typeof address === 'object');
  return {
    readcount,
    root,
    logs,
    port: address.port,
    close: async () => (await readcount.close(), await rm(root, { recursive: true, force: true })),
  };
}
