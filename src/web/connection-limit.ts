// Caps open TCP connections per network (HTTP_MAX_CONNECTIONS_PER_IP) and sets the HTTP server's timeouts.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config, ProxyTrust } from '../config.js';
import { networkOf } from '../network-of.js';

/** Options for http.createServer (through Fastify's `http`), from the HTTP_*_TIMEOUT_MS settings. */
export function httpServerOptions(config: Pick<Config, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs'>) {
  // Node may not let headersTimeout exceed requestTimeout (it refuses to start).
  const headersTimeout = Math.min(config.httpHeadersTimeoutMs, config.httpRequestTimeoutMs);
  return {
    headersTimeout,
    // Node looks for expired requests only this often (30 s by default), which would stretch a 10 s headers timeout
    // to 40 s; a quarter of it keeps the overshoot small without walking every connection often.
    connectionsCheckingInterval: Math.max(250, Math.min(5000, Math.floor(headersTimeout / 4))),
  };
}

/**
 * Peers the cap does not apply to: the proxies TRUST_PROXY names. Behind them every reader arrives from the proxy's
 * address, so capping it would cap the whole site; a hop count trusts every peer, so the cap is then off.
 */
export function trustedPeer(trust: ProxyTrust): ((address: string) => boolean) | undefined {
  if (trust === false) return undefined;
  if (typeof trust === 'number') return () => true;
  const ranges = trust.map((entry) => {
    const [address = '', bits] = entry.split('/');
    const parsed = ipaddr.process(address);
    return { parsed, bits: bits === undefined ? (parsed.kind() === 'ipv4' ? 32 : 128) : Number(bits) };
  });
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    const peer = ipaddr.process(address);
    return ranges.some(
      ({ parsed, bits }) =>
        peer.kind() === parsed.kind() && (peer as ipaddr.IPv4).match(parsed as ipaddr.IPv4, Math.min(bits, 128)),
    );
  };
}

export interface ConnectionLimit {
  /** Open connections counted for the network of `address`. */
  open(address: string): number;
  /** Connections closed at accept since start. */
  refused(): number;
}

/**
 * Closes a connection as it is accepted, before a byte is read, when its network (IPv4 address, IPv6 /64) already has
 * `max` open: a flood of half-open connections from one host then costs the server `max` sockets, not its file limit.
 * The peer is the TCP peer: behind a proxy, the proxy (see `trustedPeer`). Live websockets are connections too.
 */
export function limitConnections(
  server: Server,
  max: number,
  exempt: ((address: string) => boolean) | undefined,
): ConnectionLimit {
  const open = new Map<string, number>();
  let refused = 0;
  const admit = (socket: Socket): boolean => {
    const address = socket.remoteAddress;
    if (max <= 0 || address === undefined || exempt?.(address)) return true;
    const network = networkOf(address);
    const count = open.get(network) ?? 0;
    if (count >= max) {
      refused += 1;
      socket.destroy();
      return false;
    }
    open.set(network, count + 1);
    socket.once('close', () => {
      const left = (open.get(network) ?? 1) - 1;
      if (left > 0) open.set(network, left);
      else open.delete(network);
    });
    return true;
  };
  // Node's HTTP handler (a parser, timers, listeners per connection) runs only for admitted connections: under a flood
  // the refused ones are most of the work, and all of them arrive in one turn of the event loop.
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (!admit(socket)) return;
    for (const handler of handlers) handler.call(server, socket);
  });
  return { open: (address) => open.get(networkOf(address)) ?? 0, refused: () => refused };
}
