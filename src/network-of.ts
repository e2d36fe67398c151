// Groups addresses into networks (an IPv4 address, an IPv6 /64): what per-address limits and caps count by.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The network an address belongs to, as a stable string: IPv4 as is, IPv4-mapped IPv6 as its IPv4, other IPv6 as its
 * /64 (one subscriber's prefix: a host picks any address in it at will). Anything unparsable is its own network.
 */
export function networkOf(address: string): string {
  // Node gives IPv4 peers in canonical dotted form: the common case costs one scan, no parse.
  if (!address.includes(':')) return address;
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice('::ffff:'.length);
  let parsed: ipaddr.IPv6;
  try {
    parsed = ipaddr.IPv6.parse(address);
  } catch {
    return address;
  }
  if (parsed.isIPv4MappedAddress()) return parsed.toIPv4Address().toString();
  return `${parsed.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/**
 * An address as a proxy may write it into X-Forwarded-For (`1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`,
 * `[2001:db8::1]:443`) parsed into the address alone, or undefined when it is not one: never a string key of its own.
 */
export function parseAddress(raw: string): string | undefined {
  if (isIP(raw) !== 0) return raw;
  const text = raw.trim();
  const candidate = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text)?.[1] ?? /^([\d.]+):\d{1,5}$/.exec(text)?.[1] ?? text;
  return isIP(candidate) !== 0 ? candidate : undefined;
}
