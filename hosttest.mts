import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from './src/config.js';
import { createReadcount } from './src/readcount.js';
const root = await mkdtemp(join(tmpdir(), 'h-'));
await mkdir(join(root, 'posts'));
await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\nimage: "javascript:alert(1)"\n---\n\nText [x](/y) ![i](img.png).\n');
const rc = await createReadcount(readConfig({ POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' }), { watch: false });
for (const host of ['a<b', 'x"y', "q'r", 'a b', 'évil', '[::1', 'a/b', 'h:99999', '']) for (const url of ['/rss.xml', '/feed.xml', '/sitemap.xml', '/', '/post/hello', '/hello', '/tags', '/api/posts', '/embed.js', '/how-we-count', '/nope', '/stats']) {
  const r = await rc.app.inject({ url, headers: { host } });
  if (r.statusCode >= 500) console.log(host, url, r.statusCode);
}
const r = await rc.app.inject({ url: '/rss.xml' }); console.log(r.body.slice(0, 2000));
const a = await rc.app.inject({ url: '/feed.xml' }); console.log(a.body.match(/enclosure.*/)?.[0]);
await rc.close();
