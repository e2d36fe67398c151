// Every scenario, in table order (DETS last: it compares with scenario 4's figure).
import type { Scenario } from '../lib/context.js';
import { bigBlog } from './big-blog.js';
import { coldStart } from './cold-start.js';
import { compressedServing } from './compressed-serving.js';
import { connectionFlood } from './connection-flood.js';
import { dets } from './dets.js';
import { fanOut } from './fan-out.js';
import { ghosts } from './ghosts.js';
import { idleViewers } from './idle-viewers.js';
import { ingestRedis } from './ingest-redis.js';
import { ingestSqlite } from './ingest-sqlite.js';
import { pageServing } from './page-serving.js';
import { search } from './search.js';
import { viralSpike } from './viral-spike.js';

export const SCENARIOS: readonly Scenario[] = [
  idleViewers,
  fanOut,
  viralSpike,
  ingestSqlite,
  ingestRedis,
  pageServing,
  compressedServing,
  coldStart,
  bigBlog,
  ghosts,
  search,
  connectionFlood,
  dets,
];
