// The web plugin: renderer, images, site identity and preview keys, then the HTTP server's parts and routes.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { createResponsiveImages } from '../images/setup.js';
import { PostRenderer } from '../posts/render.js';
import { watchSiteFile } from '../site-file-watch.js';
import { webServer } from './app.js';
import { renderBudgetBytes } from './post-view.js';
import { PreviewKeys } from './preview-keys.js';
import type { WebDeps } from './routes/deps.js';
import { Site } from './site.js';
import { readPartials, watchPartials } from './theme-partials.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The site identity (title, nav, partials), reloaded when readcount.yml or STATIC_DIR/_partials/ change. */
    site: Site;
  }
}

export interface WebFeatureOptions {
  /** The routes read most settings (the whole site is theirs). */
  readonly config: Config;
  /** false: no file is watched (tests). */
  readonly watch?: boolean | undefined;
  /** Reads the settings again; given (and with a site file), readcount.yml is watched and the identity reloaded. */
  readonly rereadConfig?: (() => Config) | undefined;
  /** The worker number under `serve --workers N`, shown by /healthz. */
  readonly worker?: number | undefined;
}

type Log = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

function startRenderer(app: FastifyInstance, config: Config, log: Log): Pick<WebDeps, 'renderer' | 'images'> {
  const { library } = app;
  const images = createResponsiveImages(config, (slug) => library.get(slug)?.bundleDir, log);
  // Shiki takes a second to warm up; the server listens meanwhile and only post pages wait for it.
  const renderer = PostRenderer.create({
    cacheBytes: renderBudgetBytes(config),
    onUnknownLanguage: (file, language) =>
      log('warn', `unknown code language "${language}" in ${file}: shown as plain code`),
    images: (attribs) => images.attributes(attribs),
  });
  renderer.then(
    // The grammars the posts use load after start, behind requests, instead of in some reader's first fetch.
    (ready) => ready.warmLanguages(library.all()),
    (error: unknown) => log('error', 'syntax highlighter failed to start', { err: error }),
  );
  const forget = (changes: { readonly changed: readonly string[]; readonly removed: readonly string[] }): void => {
    void renderer.then(
      (ready) => {
        for (const slug of [...changes.changed, ...changes.removed]) ready.forget(slug);
      },
      () => {},
    );
  };
  library.on('change', forget);
  app.addHook('onClose', async () => void library.off('change', forget));
  return { renderer, images };
}

function watchSite(app: FastifyInstance, options: WebFeatureOptions, log: Log): Site {
  const { config, watch, rereadConfig } = options;
  const site = new Site(config);
  const siteWatcher =
    watch === false || !rereadConfig || !config.configFile
      ? undefined
      : watchSiteFile(config.configFile, site, rereadConfig, config, log);
  const partialsWatcher = watch === false ? undefined : watchPartials(config.staticDir, site, log);
  if (!partialsWatcher) site.setPartials(readPartials(config.staticDir, log));
  app.addHook('onClose', async () => {
    await siteWatcher?.close();
    await partialsWatcher?.close();
  });
  return site;
}

function health(app: FastifyInstance, worker: number | undefined): WebDeps['health'] {
  const { redis, counter, store, library, live } = app;
  // A Redis host gone silent (no reset) still looks connected: failing commits show it, as they show a full disk.
  return () => ({
    status: (redis && !redis.isUp()) || counter.storeFailing() ? 'degraded' : 'ok',
    store: store.kind,
    commits: counter.storeFailing() ? 'failing' : 'ok',
    ...(redis ? { redis: redis.isUp() ? 'up' : 'down' } : {}),
    ...(redis?.dataLost() ? { redis_data_lost_at: redis.dataLost() } : {}),
    posts: library.list().length,
    content_problems: library.contentProblems(),
    connections: live.connectionCount(),
    pendingReads: counter.pendingReads(),
    ...(worker === undefined ? {} : { worker }),
  });
}

async function webFeature(app: FastifyInstance, options: WebFeatureOptions): Promise<void> {
  const { config } = options;
  const log: Log = (level, message, detail = {}) => app.log[level](detail, message);
  const site = watchSite(app, options, log);
  app.decorate('site', site);
  const previewKeys = new PreviewKeys(app.secret);
  // Only the author asked for these (front matter `preview: true`); the links are in no page, feed or sitemap.
  for (const post of app.library.unpublished().filter((draft) => draft.preview === true)) {
    log('info', `preview of ${post.file}: ${config.siteUrl ?? ''}${previewKeys.path(post.slug)}`);
  }
  const { library, counter, live, longPoll, signer, receipts, store, telemetry, sites, engagement, presence } = app;
  const deps: WebDeps = {
    config,
    library,
    ...startRenderer(app, config, log),
    counter,
    live,
    longPoll,
    signer,
    receipts,
    store,
    telemetry,
    sites,
    site,
    engagement,
    reading: (slug) => presence.reading(slug),
    previewKeys,
    health: health(app, options.worker),
  };
  await app.register(webServer, { deps });
}

export const webPlugin = fp(webFeature, {
  name: 'readcount-web',
  fastify: '5.x',
  dependencies: ['readcount-store', 'readcount-posts', 'readcount-counting', 'readcount-engagement', 'readcount-live'],
});
