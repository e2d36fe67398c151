// The daily visitor hash: the same person today, nobody tomorrow (the salt lives one day and is never published).
import { createHash } from 'node:crypto';
import type { Viewer as SocketInfo } from './viewer.js';

/** A one-way hash of address, User-Agent and post under the day's salt; `namespace` keeps reads and views apart. */
export function visitorKey(namespace: string, day: string, salt: string, socket: SocketInfo, slug: string): string {
  const digest = createHash('sha256')
    .update(`${salt}\u0000${socket.ip}\u0000${socket.userAgent}\u0000${slug}`)
    .digest('base64url');
  return `${namespace}:${day}:${digest}`;
}
