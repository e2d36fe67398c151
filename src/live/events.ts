// What live reports about its sockets, through a sink the app supplies (readcount wires it to its telemetry).

/** `connect` and `disconnect` carry `{connections}`: the sockets open on this server after the change. */
export type LiveEventName = 'connect' | 'disconnect';

export interface LiveEventSink {
  /** Called synchronously; a sink must not throw (live does not catch it for the socket it is handling). */
  emit(
    name: LiveEventName,
    measurements: Readonly<Record<string, number>>,
    metadata: Readonly<Record<string, unknown>>,
  ): void;
}

/** The sink used when none is given: events go nowhere. */
export const SILENT_EVENTS: LiveEventSink = Object.freeze({ emit: () => undefined });
