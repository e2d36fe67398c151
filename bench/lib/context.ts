// Sizes of each scenario (full, --quick, and tiny for the tests) and what scenarios hand each other in one run.
import type { Row } from './report.js';

export interface Sizes {
  readonly viewers: number;
  readonly fanoutReads: number;
  readonly spikeRate: number;
  readonly spikeSeconds: number;
  readonly heartbeatClientsPerWorker: number;
  readonly ingestClients: number;
  readonly ingestReadsPerClient: number;
  readonly httpSeconds: number;
  readonly httpConnections: number;
  readonly coldPosts: number;
  /** Blog sizes of the search scenario; the last is the one with the target. */
  readonly searchPosts: readonly number[];
  /** Rounds of the search scenario's queries at each size. */
  readonly searchRounds: number;
  /** Blog sizes of the big-blog scenario; the first is the one the others are compared with. */
  readonly bigBlogPosts: readonly number[];
  readonly detsIncrements: number;
  readonly sqliteSeconds: number;
  readonly workers: number;
  /** Longest wait for any single step (connect, a count to arrive, replies). */
  readonly timeoutMs: number;
}

export const FULL: Sizes = {
  viewers: 10_000,
  fanoutReads: 20,
  spikeRate: 2000,
  spikeSeconds: 10,
  heartbeatClientsPerWorker: 100,
  ingestClients: 1000,
  ingestReadsPerClient: 20,
  httpSeconds: 15,
  httpConnections: 50,
  coldPosts: 10_000,
  searchPosts: [1000, 10_000],
  searchRounds: 60,
  bigBlogPosts: [100, 1000, 10_000],
  detsIncrements: 100_000,
  sqliteSeconds: 3,
  workers: 2,
  timeoutMs: 60_000,
};

export const QUICK: Sizes = {
  viewers: 1000,
  fanoutReads: 8,
  spikeRate: 500,
  spikeSeconds: 2,
  heartbeatClientsPerWorker: 50,
  ingestClients: 200,
  ingestReadsPerClient: 10,
  httpSeconds: 2,
  httpConnections: 50,
  coldPosts: 1000,
  searchPosts: [1000, 10_000],
  searchRounds: 15,
  bigBlogPosts: [100, 1000],
  detsIncrements: 100_000,
  sqliteSeconds: 0.5,
  workers: 2,
  timeoutMs: 20_000,
};

export const TINY: Sizes = {
  viewers: 20,
  fanoutReads: 3,
  spikeRate: 50,
  spikeSeconds: 1,
  heartbeatClientsPerWorker: 5,
  ingestClients: 10,
  ingestReadsPerClient: 5,
  httpSeconds: 1,
  httpConnections: 5,
  coldPosts: 30,
  searchPosts: [30],
  searchRounds: 2,
  bigBlogPosts: [10, 30],
  detsIncrements: 1000,
  sqliteSeconds: 0.2,
  workers: 2,
  timeoutMs: 5000,
};

export interface BenchContext {
  readonly sizes: Sizes;
  /** Figures one scenario leaves for a later one (e.g. the ingest rate the DETS row compares with). */
  readonly shared: Map<string, number>;
  readonly log: (line: string) => void;
}

export interface Scenario {
  readonly id: string;
  readonly name: string;
  run(context: BenchContext): Promise<Row[]>;
}
