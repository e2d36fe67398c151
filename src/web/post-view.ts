// Answers a post or page request: the page is rendered once per post version (and base URL), then spliced per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { TokenSigner } from '../live/token.js';
import type { Post } from '../posts/post.js';
import type { PostRenderer } from '../posts/render.js';
import { absoluteUrl, configuredBase, rewriteUrls, siteBase } from './absolute-urls.js';
import { SplicedPages } from './page-splice.js';
import type { RawHtml } from './views/html.js';
import { type PageMeta, postPage } from './views/pages.js';

export type Layout = (title: string, body: RawHtml, extra: Partial<PageMeta>) => string;

/** Without SITE_URL, og:image is absolute per request origin; a few origins (localhost, LAN name, domain) get a cache each. */
const MAX_CACHED_ORIGINS = 4;

/** A bundle's files are served from its folder URL, so relative links in it resolve there. */
export const bundleUrl = (post: Post): string => `/post/${post.slug}/`;

/** The post body as HTML, with a page bundle's relative links pointing at its files. */
export function postBodyHtml(post: Post, renderer: PostRenderer): string {
  const html = renderer.render(post);
  return post.bundleDir ? rewriteUrls(html, bundleUrl(post)) : html;
}

export class PostResponder {
  readonly #byOrigin = new Map<string, SplicedPages<Post>>();
  #warm: PostRenderer | undefined;

  constructor(
    private readonly config: Config,
    private readonly renderer: Promise<PostRenderer>,
    private readonly signer: TokenSigner,
    private readonly layout: Layout,
  ) {
    // Once the highlighter is warm, pages are answered synchronously: no promise per request.
    renderer.then(
      (ready) => (this.#warm = ready),
      () => undefined,
    );
  }

  /** `count` is read again after waiting for the renderer, so a cold start never shows a stale number. */
  send(post: Post, count: () => number | undefined, request: FastifyRequest, reply: FastifyReply): unknown {
    const now = count();
    if (now === undefined) return reply.callNotFound();
    if (this.#warm) return this.#send(post, now, this.#warm, request, reply);
    return this.renderer.then((ready) => this.#send(post, count() ?? now, ready, request, reply));
  }

  #send(post: Post, count: number, ready: PostRenderer, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const origin = post.image ? siteBase(this.config, request) : '';
    const pages = this.#pages(origin);
    const render = (token: string, shown: number) =>
      this.layout(post.title, postPage(post, postBodyHtml(post, ready), shown), {
        description: post.description,
        token,
        live: `post:${post.slug}`,
        readAfterMs: this.config.readAfterMs,
        ...(post.image ? { image: absoluteUrl(post.image, bundleUrl(post), origin) } : {}),
      });
    // The page is built once per post version; each request only splices in its token and the committed count.
    const token = this.signer.issue(`post:${post.slug}`);
    const html = pages ? pages.page(post, token, count, render) : Buffer.from(render(token, count));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }

  #pages(origin: string): SplicedPages<Post> | undefined {
    // A forged Host only changes the page sent to whoever forged it: templates are kept per origin, and only a few.
    const key = configuredBase(this.config) !== undefined ? '' : origin;
    let pages = this.#byOrigin.get(key);
    if (!pages && this.#byOrigin.size < MAX_CACHED_ORIGINS) {
      pages = new SplicedPages<Post>();
      this.#byOrigin.set(key, pages);
    }
    return pages;
  }
}
