// An HTTP proxy that refuses every websocket upgrade with 403, as a corporate proxy or a misconfigured one does.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NoUpgradeProxy {
  readonly base: string;
  /** Upgrade attempts refused so far. */
  readonly refused: () => number;
  /** Requests forwarded to each target so far. */
  readonly forwarded: () => number[];
  close(): Promise<void>;
}

/**
 * Forwards plain HTTP to `targets` (http://host:port), round-robin per request with no stickiness, and answers every
 * `Upgrade:` request 403.
 */
export async function startNoUpgradeProxy(targets: string | readonly string[]): Promise<NoUpgradeProxy> {
  const upstreams = (typeof targets === 'string' ? [targets] : targets).map((target) => new URL(target));
  const forwarded = upstreams.map(() => 0);
  let next = 0;
  let refused = 0;
  const server: Server = createServer((request, response) => {
    const index = next++ % upstreams.length;
    forwarded[index] = (forwarded[index] ?? 0) + 1;
    const upstream = upstreams[index] as URL;
    const relayed = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: request.headers.host ?? upstream.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    relayed.on('error', () => response.destroy());
    response.on('close', () => relayed.destroy());
    request.pipe(relayed);
  });
  server.on('upgrade', (_request, socket) => {
    refused += 1;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    refused: () => refused,
    forwarded: () => [...forwarded],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
