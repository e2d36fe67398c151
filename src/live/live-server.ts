// Accepts live sockets: checks origin, the app's connect hook and per-IP limits at upgrade, then tracks and sweeps them.
import type { IncomingHttpHeaders } from 'node:http';
import type { PubSub } from '../pubsub/pubsub.js';
import type { ChannelSpec } from './channel.js';
import { LiveConnection } from './connection.js';
import { type ConnectionHost, connectionHost } from './connection-host.js';
import { type LiveEventSink, SILENT_EVENTS } from './events.js';
import type { Transport } from './transport.js';

export interface LiveLimits {
  /** Topics one socket may have joined at once; a join past it is refused `too many channels joined`. */
  readonly maxChannels: number;
  /** Frames per second one socket may send; past it pushes are refused `rate_limited`, past twice it closes `flood`. */
  readonly maxMsgsPerSec: number;
  /** Bytes waiting for a client that stopped reading before its socket is closed `slow_consumer`. */
  readonly maxBufferedBytes: number;
  /** Sockets one network (`networkOf`) may hold; an upgrade past it is refused `too_many_connections`. */
  readonly maxConnectionsPerIp: number;
  /** A socket from which nothing (not even a heartbeat) arrived for this long is closed `idle_timeout`. */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: LiveLimits = Object.freeze({
  maxChannels: 100,
  maxMsgsPerSec: 50,
  maxBufferedBytes: 1_048_576,
  maxConnectionsPerIp: 256,
  idleTimeoutMs: 60_000,
});

export interface UpgradeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly query: unknown;
  readonly ip: string;
}

/**
 * The TCP connection under an upgrade; its `close` ends the per-IP slot if the upgrade does not complete. Once it has,
 * the slot ends with the websocket's `close` (emitted when this connection closes), so no listener stays on it.
 */
export interface UpgradeTransport {
  once(event: 'close', listener: () => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

/** What live itself refuses an upgrade for; the app's `connect` hook adds its own reasons. */
export type UpgradeRefusal = 'shutting_down' | 'forbidden_origin' | 'unsupported_version' | 'too_many_connections';

/** What the transport knows of the client when it connects (Phoenix's connect_info). */
export interface ConnectInfo {
  readonly headers: IncomingHttpHeaders;
  readonly ip: string;
}

/** Phoenix's `connect/3` answer: the socket's assigns, or a refusal reason (the transport's status says the rest). */
export type ConnectResult<A, R extends string = string> = { ok: true; assigns: A } | { ok: false; reason: R };

export type UpgradeCheck<A, R extends string = string> =
  | { ok: true; assigns: A }
  | { ok: false; code: UpgradeRefusal | R };

export interface LiveServerOptions<A, R extends string = string> {
  /** Called with the connect params (the query string) of every socket before it is accepted. */
  readonly connect: (params: Record<string, unknown>, info: ConnectInfo) => ConnectResult<A, R>;
  /** Channels by topic pattern, tried in order (Phoenix's `channel "topic:*", Module` lines). */
  readonly channels: readonly ChannelSpec<A>[];
  readonly pubsub: PubSub;
  /** Where `connect` and `disconnect` events go; nowhere when not given. */
  readonly events?: LiveEventSink;
  /** Each limit not given is `DEFAULT_LIMITS`'. */
  readonly limits?: Partial<LiveLimits>;
  /** Origins besides the request's own host that may open the socket (e.g. embeds); none when not given. */
  readonly allowedOrigins?: readonly string[];
  /** Told when a socket `connect` accepted is refused by a limit (the app may record it against the assigns). */
  readonly onRefusedUpgrade?: (assigns: A, code: UpgradeRefusal) => void;
  /** What the per-IP limit counts by (e.g. IPv6 /64 networks); each address on its own when not given. */
  readonly networkOf?: (ip: string) => string;
}

const sameAddress = (ip: string): string => ip;

/** The V2 JSON serializer is the only one served; Phoenix reads a missing `vsn` as 1.0.0. */
const SUPPORTED_VSN = /^2\.0\.\d+$/;

export class LiveServer<A = unknown, R extends string = string> {
  private readonly connections = new Set<LiveConnection<A>>();
  private readonly perIp = new Map<string, number>();
  /** Upgrades checked but not yet accepted, with the listener that frees their slot if they never are. */
  private readonly upgrading = new WeakMap<UpgradeTransport, () => void>();
  private readonly sweeper: NodeJS.Timeout;
  private nextId = 1;
  private closing = false;
  /** Shared by every connection: the callbacks and caches made once here, not per connection. */
  private readonly host: ConnectionHost<A>;
  private readonly networkOf: (ip: string) => string;
  private readonly events: LiveEventSink;
  private readonly limits: LiveLimits;
  private readonly allowedOrigins: readonly string[];

  constructor(private readonly options: LiveServerOptions<A, R>) {
    this.networkOf = options.networkOf ?? sameAddress;
    this.events = options.events ?? SILENT_EVENTS;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.allowedOrigins = options.allowedOrigins ?? [];
    const { channels, pubsub } = options;
    const { limits } = this;
    this.host = connectionHost({
      channels,
      pubsub,
      limits,
      onClose: (closed) => {
        this.connections.delete(closed);
        this.events.emit('disconnect', { connections: this.connections.size }, {});
      },
      onSocketClosed: (closed) => this.releaseIp(closed.info.ip),
    });
    // One timer for all sockets: idle detection costs nothing per message.
    const every = Math.max(250, Math.floor(this.limits.idleTimeoutMs / 4));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  connectionCount(): number {
    return this.connections.size;
  }

  /** On success the IP's slot is taken at once (concurrent upgrades cannot overshoot the limit) and freed when `transport` closes. */
  checkUpgrade(request: UpgradeRequest, transport: UpgradeTransport): UpgradeCheck<A, R> {
    // While shutting down, clients told to reconnect must go to another instance, not back in here.
    if (this.closing) return { ok: false, code: 'shutting_down' };
    if (!this.originAllowed(request.headers)) return { ok: false, code: 'forbidden_origin' };
    const params = (request.query ?? {}) as Record<string, unknown>;
    // As Phoenix's negotiate_serializer: an unsupported version is refused at connect (its transports answer 403).
    const vsn = params.vsn ?? '1.0.0';
    if (typeof vsn !== 'string' || !SUPPORTED_VSN.test(vsn)) return { ok: false, code: 'unsupported_version' };
    const connected = this.options.connect(params, { headers: request.headers, ip: request.ip });
    if (!connected.ok) return { ok: false, code: connected.reason };
    const ip = this.networkOf(request.ip);
    if ((this.perIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) {
      this.options.onRefusedUpgrade?.(connected.assigns, 'too_many_connections');
      return { ok: false, code: 'too_many_connections' };
    }
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    const release = () => {
      this.upgrading.delete(transport);
      this.releaseIp(ip);
    };
    this.upgrading.set(transport, release);
    transport.once('close', release);
    return { ok: true, assigns: connected.assigns };
  }

  /** `upgrade` is the one given to `checkUpgrade`; the per-IP slot taken there passes to `transport`. */
  accept(transport: Transport, ip: string, assigns: A, upgrade: UpgradeTransport): LiveConnection<A> {
    const release = this.upgrading.get(upgrade);
    if (release) {
      this.upgrading.delete(upgrade);
      upgrade.removeListener('close', release);
    } else {
      // Not from checkUpgrade, or its transport already closed (ws does not complete such upgrades): the slot is taken
      // here, so the websocket's close frees exactly one.
      const network = this.networkOf(ip);
      this.perIp.set(network, (this.perIp.get(network) ?? 0) + 1);
    }
    const connection = new LiveConnection(transport, { id: this.nextId++, ip, assigns }, this.host);
    this.connections.add(connection);
    this.events.emit('connect', { connections: this.connections.size }, {});
    return connection;
  }

  /** Closes every socket with 1001 so clients reconnect elsewhere. */
  close(): void {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const connection of [...this.connections]) connection.close('going_away');
  }

  private releaseIp(address: string): void {
    const ip = this.networkOf(address);
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
  }

  private sweep(): void {
    const deadline = this.host.clock.now() - this.limits.idleTimeoutMs;
    for (const connection of this.connections) if (connection.lastSeen < deadline) connection.close('idle_timeout');
  }

  /** Also checked on every LongPoll request, as Phoenix checks the origin of each. */
  originAllowed(headers: IncomingHttpHeaders): boolean {
    const origin = headers.origin;
    // Non-browser clients send no Origin; they cannot ride a visitor's session, so there is nothing to hijack.
    if (origin === undefined) return true;
    if (this.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === headers.host;
    } catch {
      return false;
    }
  }
}
