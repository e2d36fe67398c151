// Listens on the configured port and shuts down cleanly on SIGINT/SIGTERM (sockets closed, reads committed).
import type { Server } from 'node:http';
import type { Config } from './config.js';
import { ConfigError } from './errors.js';
import { createReadcount, type Readcount, type ReadcountOptions } from './readcount.js';
import { prepareDataDir } from './store/data-dir.js';
import { type DataDirLock, holdDataDir } from './store/data-dir-lock.js';

/** Closing sockets and the store, on top of SHUTDOWN_GRACE_MS spent retrying commits. */
const SHUTDOWN_DEADLINE_MS = 5000;
/**
 * Connections the kernel may hold before we accept them (capped by net.core.somaxconn). Node's 511 overflows under a burst
 * of connections from one host, and a reader's connection arriving then waits a SYN retry (1 s, then 3 s).
 */
const LISTEN_BACKLOG = 4096;

function noSiteFileLine(config: Config): string {
  return `no site file (no readcount.yml in ${process.cwd()}; --config or READCOUNT_CONFIG names one, \`readcount init\` writes one): the site is called "${config.siteTitle}"`;
}

/** Says where to point a browser, and that the default HOST accepts connections from other machines too. */
function listenLine(config: Config, address: ReturnType<Server['address']>): string {
  const port = typeof address === 'object' && address ? address.port : config.port;
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  const where = everywhere
    ? `every interface (HOST=${config.host}, the default; set HOST=127.0.0.1 behind a proxy on this machine)`
    : `${config.host} only`;
  const shown = everywhere ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `listening on port ${port} of ${where}: open http://${shown}:${port}/`;
}

export async function serve(
  config: Config,
  rereadConfig?: () => Config,
  options: Pick<ReadcountOptions, 'cluster'> = {},
): Promise<Readcount> {
  // With SQLite, the folder is held for as long as this process lives, so `readcount restore` refuses meanwhile.
  if (!config.redisUrl) prepareDataDir(config.dataDir);
  const lock = config.redisUrl ? undefined : holdDataDir(config.dataDir);
  const readcount = await createReadcount(config, {
    logger: true,
    ...(rereadConfig ? { rereadConfig } : {}),
    ...options,
  });
  await listen(config, readcount, lock);
  logStartup(config, readcount);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    shutDown(config, readcount, lock, signal);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return readcount;
}

/** Listens on PORT and HOST; a port or address this process cannot have is a one-line ConfigError, after closing. */
async function listen(config: Config, readcount: Readcount, lock: DataDirLock | undefined): Promise<void> {
  try {
    await readcount.app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    await readcount.close();
    lock?.release();
    if (code === 'EADDRINUSE') throw new ConfigError('PORT', `${config.port} is already in use on ${config.host}`);
    if (code === 'EACCES') throw new ConfigError('PORT', `${config.port} needs privileges this process lacks`);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError('HOST', `${config.host} is not an address of this machine`);
    throw error;
  }
}

/** What an operator needs to know once listening: settings' notices, the site file, what is served, and where. */
function logStartup(config: Config, readcount: Readcount): void {
  const { app } = readcount;
  for (const notice of config.notices ?? []) app.log.warn(notice);
  if (config.configFile) app.log.info(`settings from ${config.configFile} (watched: the site identity reloads)`);
  else app.log.info(noSiteFileLine(config));
  if (config.siteUrl === undefined) {
    app.log.warn(
      'SITE_URL (site_url) is not set: feeds and the sitemap take absolute URLs from each request and are not publicly cacheable; set it for production',
    );
  }
  app.log.info(
    `readcount serving ${readcount.library.list().length} posts from ${config.postsDir}, data in ${config.dataDir}`,
  );
  app.log.info(listenLine(config, app.server.address()));
}

/** Closes sockets and commits pending reads, then exits: 0 when no read was lost, 1 otherwise or past the deadline. */
function shutDown(config: Config, readcount: Readcount, lock: DataDirLock | undefined, signal: string): void {
  const { app } = readcount;
  app.log.info(`${signal}: closing live sockets and committing pending reads`);
  const limitMs = config.shutdownGraceMs + SHUTDOWN_DEADLINE_MS;
  const deadline = setTimeout(() => {
    app.log.error(
      `shutdown took longer than ${limitMs} ms; exiting with ${readcount.counter.pendingReads()} uncommitted reads lost (none acknowledged)`,
    );
    process.exit(1);
  }, limitMs);
  deadline.unref();
  readcount.close(config.shutdownGraceMs).then(
    (lost) => {
      // Released last, and referenced here so the lock's connection lives (and holds) as long as the server.
      lock?.release();
      if (lost === 0) process.exit(0);
      app.log.error(
        `shutdown: ${lost} reads could not be committed within SHUTDOWN_GRACE_MS=${config.shutdownGraceMs} and are lost (none was acknowledged to its reader)`,
      );
      process.exit(1);
    },
    (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
