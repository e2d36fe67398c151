// Listens on the configured port and shuts down cleanly on SIGINT/SIGTERM (sockets closed, reads committed).
import type { Config } from './config.js';
import { createReadcount, type Readcount } from './readcount.js';

const SHUTDOWN_DEADLINE_MS = 5000;
/**
 * Connections the kernel may hold before we accept them (capped by net.core.somaxconn). Node's 511 overflows under a burst
 * of connections from one host, and a reader's connection arriving then waits a SYN retry (1 s, then 3 s).
 */
const LISTEN_BACKLOG = 4096;

export async function serve(config: Config): Promise<Readcount> {
  const readcount = await createReadcount(config, { logger: true });
  const { app } = readcount;
  await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  app.log.info(
    `readcount serving ${readcount.library.list().length} posts from ${config.postsDir}, data in ${config.dataDir}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: closing live sockets and committing pending reads`);
    const deadline = setTimeout(() => {
      app.log.error('shutdown took longer than 5 s; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    readcount.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return readcount;
}
