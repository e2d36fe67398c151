// Answers a post or page request: rendered once per post version (and site identity), then spliced per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { postTopic } from '../counting/topics.js';
import type { Neighbours } from '../posts/library.js';
import type { Post } from '../posts/post.js';
import type { PostRenderer } from '../posts/render.js';
import { postImagePath } from '../posts/sanitize.js';
import { absoluteUrl, isAbsoluteUrl } from './absolute-urls.js';
import { brotliFast, pickEncoding } from './compression.js';
import { OriginRanking } from './origin-ranking.js';
import { SplicedPages } from './page-splice.js';
import type { WebDeps } from './routes/deps.js';
import { siteMeta } from './routes/page-meta.js';
import { postAssets } from './routes/render-assets.js';
import { postUrl } from './urls.js';
import { layout, postPage } from './views/pages.js';
import { postNeighbours } from './views/post-neighbours.js';

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

/**
 * What a cached page was built from: the post (a changed post is a new object) and the posts it links under the
 * counter. Another post's arrival, edit or removal gives a new key only to the pages whose neighbours or related posts
 * it changed; every other page keeps its template.
 */
interface PageKey {
  readonly neighbours: Neighbours;
  readonly related: readonly Post[];
}

export class PostResponder {
  readonly #deps: WebDeps;
  /** Templates per origin ('' for pages every origin shares), with their share of the budget. */
  readonly #byOrigin = new Map<string, { readonly share: number; readonly pages: SplicedPages<PageKey> }>();
  readonly #keys = new WeakMap<Post, PageKey>();
  readonly #origins = new OriginRanking();
  #siteVersion: number;
  #warm: PostRenderer | undefined;

  constructor(deps: WebDeps) {
    this.#deps = deps;
    this.#siteVersion = deps.site.version;
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
    const key = this.#key(post);
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
          ...(post.kind === 'page' ? {} : { after: postNeighbours(key.neighbours, key.related, site.current.labels) }),
        }),
      );
    };
    // The page is built once per post version; each request only splices in its token and the committed count.
    const token = signer.issue(postTopic(post.slug));
    const pages = this.#pages(origin);
    const encoding = config.compression ? pickEncoding(request, true) : undefined;
    const page = pages
      ? pages.encoded(key, token, count, render, encoding === 'gzip', (n) => site.current.labels.count(n))
      : { body: Buffer.from(render(token, count)) };
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'Accept-Encoding');
    if (page.encoding === 'gzip') return reply.header('content-encoding', 'gzip').send(page.body);
    // Brotli cannot be spliced from parts compressed apart; only a client refusing gzip pays for it per request.
    if (encoding === 'br') return reply.header('content-encoding', 'br').send(brotliFast(page.body));
    return reply.send(page.body);
  }

  /** The post's key: the one it had while its neighbours and related posts are the same, else a new one. */
  #key(post: Post): PageKey {
    const { library } = this.#deps;
    const none: PageKey = { neighbours: { newer: undefined, older: undefined }, related: [] };
    if (post.kind === 'page') return this.#keys.get(post) ?? (this.#keys.set(post, none), none);
    const neighbours = library.neighbours(post.slug);
    const related = library.related(post);
    const known = this.#keys.get(post);
    if (
      known &&
      known.neighbours.newer === neighbours.newer &&
      known.neighbours.older === neighbours.older &&
      known.related.length === related.length &&
      known.related.every((other, index) => other === related[index])
    )
      return known;
    const key = { neighbours, related };
    this.#keys.set(post, key);
    return key;
  }

  #pages(origin: string): SplicedPages<PageKey> | undefined {
    // A changed readcount.yml (title, nav, footer, URL) makes every cached page stale at once.
    if (this.#deps.site.version !== this.#siteVersion) {
      this.#byOrigin.clear();
      this.#siteVersion = this.#deps.site.version;
    }
    // Without SITE_URL, og:image is absolute per request origin (localhost, a LAN name): a few origins get templates.
    // A forged Host only changes the page sent to whoever forged it, and takes no more than a sliver of the budget:
    // the most used origin has half (the other half is for pages every origin shares), the next few 1/16 each.
    const rank = origin === '' ? 0 : this.#origins.note(origin);
    if (rank === undefined) return undefined;
    const share = origin !== '' && rank > 0 ? 1 / 16 : this.#deps.site.current.url === undefined ? 1 / 2 : 1;
    let entry = this.#byOrigin.get(origin);
    if (entry?.share !== share) {
      entry = {
        share,
        pages: new SplicedPages<PageKey>({ maxBytes: Math.floor(pageBudgetBytes(this.#deps.config) * share) }),
      };
      this.#byOrigin.set(origin, entry);
      for (const known of this.#byOrigin.keys())
        if (known !== '' && !this.#origins.has(known)) this.#byOrigin.delete(known);
    }
    return entry.pages;
  }
}
