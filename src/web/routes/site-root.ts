// Everything at the site root that no app route claims: pages (`/<slug>`), STATIC_DIR's files, page-bundle files.
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { realPathOrSelf } from '../../path-inside.js';
import { safeFilePath } from '../../safe-file-path.js';
import { PostResponder } from '../post-view.js';
import { servedFile } from '../served-file.js';
import { appRouteOwns, isBundleAsset, listStaticFiles, rawPath, STATIC_CACHE_SECONDS } from '../static-files.js';
import { PARTIALS_DIR } from '../theme-partials.js';
import { FAVICON_SVG } from './assets.js';
import type { WebPluginOptions } from './deps.js';
import { FROM_STATIC_DIR } from './robots.js';

/** Always linked after the built-in stylesheet; empty until the blogger puts one in STATIC_DIR. */
const CUSTOM_CSS = 'custom.css';

export async function siteRootRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const { config, library } = deps;
  const responder = new PostResponder(deps);
  const staticRoot = resolve(config.staticDir);
  // Nothing under DATA_DIR is ever sent, whatever link points there (the signing key lives in it).
  const forbidden = [realPathOrSelf(config.dataDir)];
  await app.register(fastifyStatic, {
    // Every sendFile below names its own root; this one only has to exist (POSTS_DIR does, STATIC_DIR may not).
    root: resolve(config.postsDir),
    serve: false,
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'ignore',
    etag: true,
    lastModified: true,
    maxAge: STATIC_CACHE_SECONDS * 1000,
  });

  const notFound = (reply: FastifyReply) => reply.callNotFound();

  app.get('/*', async (request, reply) => {
    const path = safeFilePath(rawPath(request.url));
    // The theme partials are put into pages, not served as files of their own.
    if (path === undefined || path.startsWith(`${PARTIALS_DIR}/`)) return notFound(reply);
    const page = library.get(path);
    if (page?.kind === 'page') return responder.send(page, request, reply);
    const file = await servedFile(staticRoot, path, forbidden);
    if (file === undefined && path === CUSTOM_CSS) {
      return reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send('');
    }
    // Browsers ask for /favicon.ico whatever the page links: the site's own when it has one, else readcount's.
    if (file === undefined && path === 'favicon.ico') {
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .send(FAVICON_SVG);
    }
    if (file === undefined) return notFound(reply);
    return reply.sendFile(file.path, file.root);
  });

  app.get<{ Params: { slug: string } }>('/post/:slug/*', async (request, reply) => {
    const post = library.get(request.params.slug);
    if (!post?.bundleDir) return notFound(reply);
    const prefix = `/post/${request.params.slug}/`;
    const raw = rawPath(request.url);
    if (raw === prefix) return reply.redirect(prefix.slice(0, -1), 301);
    const path = raw.startsWith(prefix) ? safeFilePath(raw.slice(prefix.length)) : undefined;
    if (path === undefined || !isBundleAsset(path)) return notFound(reply);
    const file = await servedFile(post.bundleDir, path, forbidden);
    if (file === undefined || !isBundleAsset(file.path)) return notFound(reply);
    return reply.sendFile(file.path, file.root);
  });

  // Said once at start (and for pages again when posts change), so a blogger learns why a file or page never shows.
  const warned = new Set<string>();
  const warnShadowedPages = () => {
    for (const page of library.pages()) {
      const key = `${page.file}\0${page.slug}`;
      if (!warned.has(key) && appRouteOwns(app, `/${page.slug}`) && warned.add(key))
        app.log.warn(`page not served: ${page.file}: /${page.slug} is an app route (give the page another slug)`);
    }
  };
  app.addHook('onReady', async () => {
    for (const file of listStaticFiles(staticRoot)) {
      if (appRouteOwns(app, file) && !FROM_STATIC_DIR.has(file))
        app.log.warn(`static file not served: ${resolve(staticRoot, `.${file}`)} is shadowed by the app route ${file}`);
      else if (library.get(file.slice(1))?.kind === 'page')
        app.log.warn(`static file not served: ${resolve(staticRoot, `.${file}`)} is shadowed by a page`);
    }
    warnShadowedPages();
    library.on('change', warnShadowedPages);
  });
  app.addHook('onClose', async () => {
    library.off('change', warnShadowedPages);
  });
}
