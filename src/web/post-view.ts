// Answers a post or page request: rendered once per post version (and site identity), then spliced per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { postTopic } from '../counting/topics.js';
import type { Post } from '../posts/post.js';
import type { PostRenderer } from '../posts/render.js';
import { postImagePath } from '../posts/sanitize.js';
import { absoluteUrl, isAbsoluteUrl } from './absolute-urls.js';
import { brotliFast, pickEncoding } from './compression.js';
import { SplicedPages } from './page-splice.js';
import type { WebDeps } from './routes/deps.js';
import { siteMeta } from './routes/page-meta.js';
import { postAssets } from './routes/render-assets.js';
import { postUrl } from './urls.js';
import { layout, postPage } from './views/pages.js';
import { postNeighbours } from './views/post-neighbours.js';

/** Without SITE_URL, og:image is absolute per request origin: a few origins (localhost, LAN name) get a cache each. */
const MAX_CACHED_ORIGINS = 4;

/** PAGE_CACHE_MB is shared: half for spliced pages, a quarter for the renderer's post HTML, a quarter for feeds. */
function pageBudgetBytes(config: { readonly pageCacheMb: number }): number {
  return Math.floor(config.pageCacheMb * 2 ** 20 * 0.5);
}

export function feedBudgetBytes(config: { readonly pageCacheMb: number }): number {
  return Math.floor(config.pageCacheMb * 2 ** 20 * 0.25);
}

export function renderBudgetBytes(config: { readonly pageCacheMb: number }): number {
  return Math.floor(config.pageCacheMb * 2 ** 20 * 0.25);
}

export class PostResponder {
  readonly #deps: WebDeps;
  readonly #byOrigin = new Map<string, SplicedPages<Post>>();
  #siteVersion: number;
  #warm: PostRenderer | undefined;

  constructor(deps: WebDeps) {
    this.#deps = deps;
    this.#siteVersion = deps.site.version;
    // A post's page shows its neighbours and related posts, which another post's arrival or removal changes.
    deps.library.on('change', () => this.#byOrigin.clear());
    // Once the highlighter is warm, pages are answered synchronously: no promise per request.
    deps.renderer.then(
      (ready) => (this.#warm = ready),
      () => undefined,
    );
  }

  send(post: Post, request: FastifyRequest, reply: FastifyReply): unknown {
    const { counter, renderer } = this.#deps;
    const count = counter.count(post.slug);
    if (count === undefined) return reply.callNotFound();
    // A post whose code needs a grammar not loaded yet waits for it once; every later request is synchronous.
    if (this.#warm && !this.#warm.prepare(post)) return this.#send(post, count, this.#warm, request, reply);
    return renderer.then(async (ready) => {
      await ready.prepare(post);
      // Read again after the wait, so a cold start never shows a stale number.
      return this.#send(post, counter.count(post.slug) ?? count, ready, request, reply);
    });
  }

  #send(post: Post, count: number, ready: PostRenderer, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { config, signer, site } = this.#deps;
    // Without a front matter image, the post's first image is what a shared link shows.
    const imagePath = postImagePath(post, { firstImage: true });
    // Only a site-relative og:image needs the request's origin, and only without SITE_URL; other URLs are relative.
    const needsOrigin = imagePath !== undefined && !isAbsoluteUrl(imagePath) && site.current.url === undefined;
    const origin = needsOrigin ? site.base(request).base : '';
    // Only called when the page template is built: a warm page costs no render call (not even its cache lookup).
    const render = (token: string, shown: number) => {
      const body = ready.render(post);
      return layout(
        {
          title: post.title,
          ...siteMeta(this.#deps, postUrl(post)),
          description: post.description,
          token,
          live: postTopic(post.slug),
          readAfterMs: config.readAfterMs,
          ghosts: config.ghosts && post.ghosts !== false,
          ...(imagePath !== undefined ? { image: absoluteUrl(imagePath, site.current.url ?? origin) } : {}),
          ...postAssets(body),
        },
        postPage(post, body, shown, {
          labels: site.current.labels,
          author: site.current.author,
          ...(post.kind === 'page'
            ? {}
            : {
                after: postNeighbours(
                  this.#deps.library.neighbours(post.slug),
                  this.#deps.library.related(post),
                  site.current.labels,
                ),
              }),
        }),
      );
    };
    // The page is built once per post version; each request only splices in its token and the committed count.
    const token = signer.issue(postTopic(post.slug));
    const pages = this.#pages(origin);
    const encoding = config.compression ? pickEncoding(request, true) : undefined;
    const page = pages
      ? pages.encoded(post, token, count, render, encoding === 'gzip')
      : { body: Buffer.from(render(token, count)) };
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'Accept-Encoding');
    if (page.encoding === 'gzip') return reply.header('content-encoding', 'gzip').send(page.body);
    // Brotli cannot be spliced from parts compressed apart; only a client refusing gzip pays for it per request.
    if (encoding === 'br') return reply.header('content-encoding', 'br').send(brotliFast(page.body));
    return reply.send(page.body);
  }

  #pages(origin: string): SplicedPages<Post> | undefined {
    // A changed readcount.yml (title, nav, footer, URL) makes every cached page stale at once.
    if (this.#deps.site.version !== this.#siteVersion) {
      this.#byOrigin.clear();
      this.#siteVersion = this.#deps.site.version;
    }
    // A forged Host only changes the page sent to whoever forged it: templates are kept per origin, and only a few.
    let pages = this.#byOrigin.get(origin);
    if (!pages && this.#byOrigin.size < MAX_CACHED_ORIGINS) {
      // The site's own origin ('' with SITE_URL, or the first one seen) gets the budget; stray origins a sliver.
      const share = this.#byOrigin.size === 0 ? 1 : 1 / 16;
      pages = new SplicedPages<Post>({ maxBytes: Math.floor(pageBudgetBytes(this.#deps.config) * share) });
      this.#byOrigin.set(origin, pages);
    }
    return pages;
  }
}
