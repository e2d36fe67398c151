// Re-reads readcount.yml when it changes: the site identity applies at once, other changed settings are logged as needing a restart.
import { watch } from 'chokidar';
import { type Config, LIVE_SETTINGS, OPTIONS, type OptionName } from './config.js';
import type { Site } from './web/site.js';

export interface SiteFileWatcher {
  /** Resolves once the watcher is ready to see changes. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

type Log = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

export function watchSiteFile(
  file: string,
  site: Site,
  reread: () => Config,
  started: Config,
  log: Log,
): SiteFileWatcher {
  let applied = started;
  const watcher = watch(file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 50 } });
  const onChange = (): void => {
    let next: Config;
    try {
      next = reread();
    } catch (error) {
      log('error', `${file} not applied, the running settings stay: ${(error as Error).message}`);
      return;
    }
    const restart = (Object.keys(OPTIONS) as OptionName[]).filter(
      (name) => !LIVE_SETTINGS.includes(name) && JSON.stringify(next[name]) !== JSON.stringify(applied[name]),
    );
    for (const name of restart)
      log('warn', `${OPTIONS[name].key} changed in ${file}: restart readcount to apply it`, {
        setting: OPTIONS[name].key,
      });
    const changed = site.update(next);
    applied = next;
    log('info', changed ? `site settings reloaded from ${file}` : `${file} re-read: no site setting changed`);
  };
  watcher.on('add', onChange).on('change', onChange);
  watcher.on('error', (error) => log('error', `watching ${file} failed`, { err: error }));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
