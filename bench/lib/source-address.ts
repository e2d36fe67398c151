// Spreads a load generator's outgoing connections over 127.0.0.x, so tens of thousands of short-lived sockets don't run out of local ports.
// Linux gives each local address its own ~28,000 ephemeral ports, and every closed page view holds one in TIME_WAIT
// for 60 s; at 2,000 page views a second one address runs out within 15 s (EADDRNOTAVAIL).
const ADDRESSES_PER_WORKER = 32;

export function sourceAddresses(workerIndex: number): () => string {
  const base = 2 + (workerIndex % 7) * ADDRESSES_PER_WORKER;
  let next = 0;
  return () => {
    next = (next + 1) % ADDRESSES_PER_WORKER;
    return `127.0.0.${base + next}`;
  };
}

/** Failures of opening a socket that say nothing about the server's answer, only that the connection didn't get through. */
export function isTransient(message: string): boolean {
  return /socket hang up|ECONNRESET|EADDRNOTAVAIL|ECONNREFUSED|EADDRINUSE|Opening handshake has timed out|ETIMEDOUT/.test(
    message,
  );
}
