// An HTTP proxy that refuses every websocket upgrade with 403, as a corporate proxy or a misconfigured one does.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NoUpgradeProxy {
  readonly base: string;
  /** Upgrade attempts refused so far. */
  readonly refused: () => number;
  close(): Promise<void>;
}

/** Forwards plain HTTP to `target` (http://host:port) and answers every `Upgrade:` request 403. */
export async function startNoUpgradeProxy(target: string): Promise<NoUpgradeProxy> {
  const upstream = new URL(target);
  let refused = 0;
  const server: Server = createServer((request, response) => {
    const forwarded = httpRequest(
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
    forwarded.on('error', () => response.destroy());
    response.on('close', () => forwarded.destroy());
    request.pipe(forwarded);
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
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
