// Makes honest reads over the live socket (join, wait READ_AFTER_MS, report) so tests can watch counts move.
import { LiveClient, pageToken, type TestServer } from './live-socket.js';
import { until } from './wait.js';

/** One counted read of `slug` from a fresh page view; resolves once the server accepted it (status ok). */
export async function readPost(
  server: Pick<TestServer, 'base' | 'wsUrl'>,
  slug: string,
  token?: string,
  origin?: string,
): Promise<void> {
  const pageViewToken = token ?? (await pageToken(server.base, slug));
  const client = await LiveClient.open(server.wsUrl, pageViewToken, origin ? { origin } : {});
  try {
    const joined = await client.join(`post:${slug}`);
    if (joined.status !== 'ok') throw new Error(`join refused: ${JSON.stringify(joined.response)}`);
    let last = '';
    await until(async () => {
      const reply = await client.request(
        `post:${slug}`,
        'reader',
        { csrf_token: pageViewToken, automated: false },
        '1',
      );
      last = JSON.stringify(reply);
      if (reply.status === 'ok') return true;
      if (reply.response.reason !== 'too_early') throw new Error(`read refused: ${last}`);
      return false;
    }, `a counted read of ${slug}`);
  } finally {
    client.close();
  }
}

/** Waits until the committed total of `slug` is `total`. */
export async function untilTotal(server: TestServer, slug: string, total: number): Promise<void> {
  await until(
    () => server.readcount.counter.count(slug) === total,
    `${slug} total ${total} (now ${server.readcount.counter.count(slug)})`,
  );
}
