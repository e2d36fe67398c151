// Prometheus series (prom-client) fed from readcount's telemetry events, plus Node's default process metrics.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { EVENTS, type EventName, type Measurements, type Metadata, type Telemetry } from './telemetry.js';

const HANDLER_ID = 'readcount.metrics';

type Registers = Registry[];
/** The series of one concern, as the events that feed them and what each event does to them. */
type Series = ReadonlyArray<readonly [EventName, (measurements: Measurements, metadata: Metadata) => void]>;

function readSeries(registers: Registers): Series {
  const reads = new Counter({ name: 'readcount_reads_total', help: 'Reads counted (before commit).', registers });
  const refused = new Counter({
    name: 'readcount_reads_refused_total',
    help: 'Read reports refused, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  return [
    [EVENTS.read, (measurements) => reads.inc(measurements.count ?? 1)],
    [
      EVENTS.readRefused,
      (measurements, metadata) =>
        refused.inc({ reason: String(metadata.reason ?? 'unknown') }, measurements.count ?? 1),
    ],
  ];
}

function liveSeries(registers: Registers): Series {
  const connections = new Gauge({ name: 'readcount_live_connections', help: 'Open live sockets.', registers });
  const opened = new Counter({
    name: 'readcount_live_connections_opened_total',
    help: 'Live sockets accepted.',
    registers,
  });
  const joined = new Gauge({
    name: 'readcount_live_channels_joined',
    help: 'Channels currently joined, by kind (post or posts).',
    labelNames: ['kind'] as const,
    registers,
  });
  const joins = new Counter({
    name: 'readcount_live_joins_total',
    help: 'Channel joins, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  const broadcasts = new Counter({
    name: 'readcount_broadcasts_total',
    help: 'Count updates broadcast to live pages.',
    registers,
  });
  // Topic names carry slugs; only the channel kind its join names becomes a label, so the series count stays bounded.
  const kind = (metadata: Metadata) =>
    metadata.channel === 'post' || metadata.channel === 'posts' ? metadata.channel : 'other';
  return [
    [
      EVENTS.socketOpen,
      (measurements) => {
        opened.inc();
        connections.set(measurements.connections ?? 0);
      },
    ],
    [EVENTS.socketClose, (measurements) => connections.set(measurements.connections ?? 0)],
    [
      EVENTS.channelJoin,
      (_measurements, metadata) => {
        joins.inc({ kind: kind(metadata) });
        joined.inc({ kind: kind(metadata) });
      },
    ],
    [EVENTS.channelLeave, (_measurements, metadata) => joined.dec({ kind: kind(metadata) })],
    [EVENTS.broadcast, () => broadcasts.inc()],
  ];
}

/** The store's commits, and the buffer of reads waiting for it. */
function storeSeries(registers: Registers): Series {
  const commits = new Histogram({
    name: 'readcount_store_commit_duration_seconds',
    help: 'Time one group commit of reads took in the store.',
    labelNames: ['store'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const committed = new Counter({
    name: 'readcount_store_committed_reads_total',
    help: 'Reads made durable by the store.',
    registers,
  });
  const storeErrors = new Counter({
    name: 'readcount_store_errors_total',
    help: 'Store commits that failed (reads are retried).',
    registers,
  });
  const dropped = new Counter({
    name: 'readcount_reads_dropped_total',
    help: 'Reads dropped, oldest first, because PENDING_READS_MAX reads were already waiting for the store.',
    registers,
  });
  return [
    [
      EVENTS.storeCommit,
      (measurements, metadata) => {
        commits.observe({ store: String(metadata.store ?? 'unknown') }, (measurements.duration_ms ?? 0) / 1000);
        committed.inc(measurements.reads ?? 0);
      },
    ],
    [EVENTS.commitFailed, () => storeErrors.inc()],
    [EVENTS.readsDropped, (measurements) => dropped.inc(measurements.dropped ?? 0)],
  ];
}

/** One registry per readcount instance, so two servers in one process (tests) do not share series. */
export class Metrics {
  readonly registry = new Registry();

  constructor(private readonly telemetry: Telemetry) {
    const registers = [this.registry];
    // /metrics lists the series in the order they are made here.
    const handlers = new Map([...readSeries(registers), ...liveSeries(registers), ...storeSeries(registers)]);
    telemetry.attach(
      HANDLER_ID,
      [...handlers.keys()],
      (event, measurements, metadata) => handlers.get(event)?.(measurements, metadata),
      null,
    );
    collectDefaultMetrics({ register: this.registry });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.telemetry.detach(HANDLER_ID);
    this.registry.clear();
  }
}
