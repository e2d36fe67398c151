import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from './src/config.js';
import { createReadcount } from './src/readcount.js';
const root = await mkdtemp(join(tmpdir(), 'h-'));
await mkdir(join(root, 'posts'));
await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
const rc = await createReadcount(readConfig({ POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), LOG_LEVEL: 'error' }), { watch: false, logger: true });
await rc.app.listen({ port: 0, host: '127.0.0.1' });
const port = (rc.app.server.address() as any).port;
const raw = (req: string) => new Promise<string>((res) => { const s = connect(port, '127.0.0.1', () => s.end(req)); let d = ''; s.on('data', (c) => (d += c)); s.on('close', () => res(d)); });
for (const host of ['a<b', 'x"y', '<script>', 'a b']) for (const url of ['/rss.xml', '/feed.xml', '/sitemap.xml', '/', '/post/hello']) {
  const r = await raw(`GET ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  console.log(host, url, r.split('\r\n')[0]);
}
await rc.close();
