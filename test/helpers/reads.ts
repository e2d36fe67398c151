// Makes honest reads over the live socket (join, wait READ_AFTER_MS, report) so tests can watch counts move.
import { LiveClient, pageToken, type TestServer } from './live-socket.js';
import { until } from './wait.js';

/**
 * A read of `slug` from a page view (fresh unless `token` is given), sent once the dwell time passed: resolves with
 * the final reply, `ok` or the refusal reason (`too_early` is waited out).
 */
export async function sendRead(
  server: Pick<TestServer, 'base' | 'wsUrl'>,
  slug: string,
  options: { token?: string; origin?: string; userAgent?: string } = {},
): Promise<string> {
  const pageViewToken = options.token ?? (await pageToken(server.base, slug));
  const client = await LiveClient.open(server.wsUrl, pageViewToken, {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  try {
    const joined = await client.join(`post:${slug}`);
    if (joined.status !== 'ok') throw new Error(`join refused: ${JSON.stringify(joined.response)}`);
    let outcome = '';
    await until(async () => {
      const reply = await client.request(
        `post:${slug}`,
        'reader',
        { csrf_token: pageViewToken, automated: false },
        '1',
      );
      outcome = reply.status === 'ok' ? 'ok' : String(reply.response.reason);
      return outcome !== 'too_early';
    }, `a decided read of ${slug}`);
    return outcome;
  } finally {
    client.close();
  }
}

/** One counted read of `slug` from a fresh page view; resolves once the server accepted it (status ok). */
export async function readPost(
  server: Pick<TestServer, 'base' | 'wsUrl'>,
  slug: string,
  token?: string,
  origin?: string,
): Promise<void> {
  const outcome = await sendRead(server, slug, { ...(token ? { token } : {}), ...(origin ? { origin } : {}) });
  if (outcome !== 'ok') throw new Error(`read refused: ${outcome}`);
}

/** Waits until the committed total of `slug` is `total`. */
export async function untilTotal(server: TestServer, slug: string, total: number): Promise<void> {
  await until(
    () => server.readcount.counter.count(slug) === total,
    `${slug} total ${total} (now ${server.readcount.counter.count(slug)})`,
  );
}
