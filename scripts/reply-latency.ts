// Measures the `reader` reply latency (push to `ok`) of a readcount checkout: `node --import tsx scripts/reply-latency.ts [checkout]`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LiveClient, pageToken } from '../test/helpers/live-socket.js';

const READERS = Number(process.env.READERS ?? 400);
const SPREAD_MS = Number(process.env.SPREAD_MS ?? 2000);
const checkout = resolve(process.argv[2] ?? '.');
const from = (path: string) => import(pathToFileURL(join(checkout, path)).href);

const { readConfig } = await from('src/config.ts');
const { createReadcount } = await from('src/readcount.ts');
const root = await mkdtemp(join(tmpdir(), 'readcount-latency-'));
await mkdir(join(root, 'posts'));
await writeFile(join(root, 'posts', 'alpha.md'), '---\ntitle: "Alpha"\ndate: 2024-01-01\n---\n\nText.\n');
const config = readConfig({
  POSTS_DIR: join(root, 'posts'),
  DATA_DIR: join(root, 'data'),
  LOG_LEVEL: 'silent',
  READ_AFTER_MS: '50',
  COUNT_MODE: 'every-read',
  MAX_READS_PER_NETWORK: '0',
  LIVE_MAX_CONNECTIONS_PER_IP: '100000',
  HTTP_MAX_CONNECTIONS_PER_IP: '100000',
  HTTP_RATE_LIMIT: '1000000',
});
const readcount = await createReadcount(config, { watch: false });
await readcount.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = readcount.app.server.address() as { port: number };
const base = `http://127.0.0.1:${port}`;
const clients: { client: LiveClient; token: string }[] = [];
for (let i = 0; i < READERS; i += 1) {
  const token = await pageToken(base, 'alpha');
  const client = await LiveClient.open(`ws://127.0.0.1:${port}/live/websocket`, token);
  await client.join('post:alpha');
  clients.push({ client, token });
}
await new Promise((done) => setTimeout(done, 100));
const latencies: number[] = [];
await Promise.all(
  clients.map(async ({ client, token }) => {
    await new Promise((done) => setTimeout(done, Math.random() * SPREAD_MS));
    const started = performance.now();
    const reply = await client.request('post:alpha', 'reader', { csrf_token: token }, '1');
    if (reply.status === 'ok') latencies.push(performance.now() - started);
  }),
);
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN).toFixed(2);
console.log(
  `${checkout}: ${latencies.length}/${READERS} reads ok over ${SPREAD_MS} ms, COMMIT_DELAY_MS=${config.commitDelayMs}: reply p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
);
for (const { client } of clients) client.close();
await readcount.close();
await rm(root, { recursive: true, force: true });
