// The client's address for per-address limits and visitor hashes: Fastify's (X-Forwarded-For under TRUST_PROXY) if it parses, else the peer's.
import type { FastifyRequest } from 'fastify';
import { parseAddress } from '../network-of.js';

/**
 * A forwarded value that is no address (garbage, a name) is rejected and the connection's own peer is used, so a
 * client cannot mint a new "network" per request by writing nonsense into X-Forwarded-For.
 */
export function clientIp(request: FastifyRequest): string {
  const ip = request.ip;
  // The common case: no proxy, or a proxy that wrote a plain address (Node gives IPv4 peers in dotted form).
  return parseAddress(ip) ?? request.socket.remoteAddress ?? ip;
}
