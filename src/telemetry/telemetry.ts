// In-process events with :telemetry's contract (attach/detach/execute), carried on node:diagnostics_channel.
import diagnosticsChannel from 'node:diagnostics_channel';

export type EventName = readonly string[];
export type Measurements = Readonly<Record<string, number>>;
export type Metadata = Readonly<Record<string, unknown>>;
export type Handler<C = unknown> = (
  event: EventName,
  measurements: Measurements,
  metadata: Metadata,
  config: C,
) => void;

/** What a diagnostics_channel subscriber receives; any APM tool can subscribe to `readcount:<event>` directly. */
export interface TelemetryMessage {
  /** The Telemetry instance that executed the event: two servers in one process each hear only their own. */
  readonly source: Telemetry;
  readonly event: EventName;
  readonly measurements: Measurements;
  readonly metadata: Metadata;
}

/** Emitted when a handler throws and is detached, exactly as :telemetry reports it. */
export const HANDLER_FAILURE_EVENT: EventName = ['telemetry', 'handler', 'failure'];

interface Attachment {
  readonly channel: diagnosticsChannel.Channel;
  readonly listener: (message: unknown) => void;
}

export function channelName(event: EventName): string {
  return `readcount:${event.join('.')}`;
}

/**
 * Guarantees: an id is attached at most once (attach returns false otherwise); execute never throws and
 * runs handlers synchronously in attach order; a handler that throws is detached and reported as
 * HANDLER_FAILURE_EVENT with {handler_id, event_name, error}, and the remaining handlers still run.
 */
export class Telemetry {
  private readonly attachments = new Map<string, Attachment[]>();

  attach<C>(id: string, events: EventName | readonly EventName[], handler: Handler<C>, config: C): boolean {
    if (this.attachments.has(id)) return false;
    const names = isEventList(events) ? events : [events];
    const attached: Attachment[] = names.map((event) => {
      const channel = diagnosticsChannel.channel(channelName(event));
      const listener = (message: unknown): void => {
        const { source, measurements, metadata } = message as TelemetryMessage;
        if (source !== this) return;
        try {
          handler(event, measurements, metadata, config);
        } catch (error) {
          this.detach(id);
          if (event.join('.') !== HANDLER_FAILURE_EVENT.join('.')) {
            this.execute(HANDLER_FAILURE_EVENT, {}, { handler_id: id, event_name: event, error });
          }
        }
      };
      channel.subscribe(listener);
      return { channel, listener };
    });
    this.attachments.set(id, attached);
    return true;
  }

  detach(id: string): boolean {
    const attached = this.attachments.get(id);
    if (!attached) return false;
    for (const { channel, listener } of attached) channel.unsubscribe(listener);
    this.attachments.delete(id);
    return true;
  }

  handlerIds(): string[] {
    return [...this.attachments.keys()];
  }

  execute(event: EventName, measurements: Measurements = {}, metadata: Metadata = {}): void {
    const channel = diagnosticsChannel.channel(channelName(event));
    if (!channel.hasSubscribers) return;
    // Our listeners never throw. A foreign subscriber that throws is not caught here: Node re-throws its
    // error on the next tick (an uncaughtException), which is why docs/telemetry.md asks subscribers not to.
    channel.publish({ source: this, event, measurements, metadata } satisfies TelemetryMessage);
  }

  /** Detaches every handler this instance attached (used at shutdown and between tests). */
  detachAll(): void {
    for (const id of [...this.attachments.keys()]) this.detach(id);
  }
}

function isEventList(events: EventName | readonly EventName[]): events is readonly EventName[] {
  return Array.isArray(events[0]);
}

/** The events readcount emits; docs/telemetry.md lists them with their measurements and metadata. */
export const EVENTS = {
  read: ['readcount', 'read'],
  readRefused: ['readcount', 'read', 'refused'],
  storeCommit: ['readcount', 'store', 'commit'],
  /** A commit failed; the reads wait for a retry (one event per outage). */
  commitFailed: ['readcount', 'store', 'error'],
  /** Reads dropped, oldest first, because the buffer of reads waiting for the store was full. */
  readsDropped: ['readcount', 'read', 'dropped'],
  broadcast: ['readcount', 'pubsub', 'broadcast'],
  socketOpen: ['readcount', 'live', 'connect'],
  socketClose: ['readcount', 'live', 'disconnect'],
  channelJoin: ['readcount', 'live', 'join'],
  channelLeave: ['readcount', 'live', 'leave'],
} as const satisfies Record<string, EventName>;
