// `/_readcount/` files that rendered posts need: KaTeX's stylesheet and fonts, mermaid, the code copy button, image variants.
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { type ResponsiveImages, VARIANT_PREFIX } from '../../images/responsive.js';
import { hasCodeBlock } from '../../posts/code-frame.js';
import { hasMath } from '../../posts/math.js';
import { hasMermaid } from '../../posts/mermaid.js';
import { sendError } from '../http-errors.js';
import { STATIC_CACHE_SECONDS } from '../static-files.js';
import type { WebPluginOptions } from './deps.js';

const KATEX_DIR = `${dirname(fileURLToPath(import.meta.resolve('katex')))}/`;
const MERMAID_DIR = `${dirname(fileURLToPath(import.meta.resolve('mermaid')))}/`;
const CLIENT_DIR = fileURLToPath(new URL('../../../src/web/client/', import.meta.url));
const ASSET_CACHE = 'public, max-age=3600';

/** Stylesheet and fonts only: KaTeX's scripts are never sent (math is typeset on the server). */
const KATEX_FILE = /^\/(?:katex\.min\.css|fonts\/KaTeX_[\w-]+\.(?:woff2|woff|ttf))$/;
/** The minified ES module build and its chunks; the rest of the package (sources, maps, types) stays private. */
const MERMAID_FILE = /^\/(?:mermaid\.esm\.min\.mjs|chunks\/mermaid\.esm\.min\/[\w.-]+\.mjs)$/;

const KATEX_CSS = '/_readcount/katex/katex.min.css';
const MERMAID_SCRIPT = '/_readcount/mermaid/draw.js';
const CODE_COPY_SCRIPT = '/_readcount/code/copy.js';

/** The stylesheets and scripts a rendered post needs: each only when the post uses what it is for. */
export function postAssets(bodyHtml: string): { styles: string[]; scripts: string[] } {
  return {
    styles: hasMath(bodyHtml) ? [KATEX_CSS] : [],
    scripts: [...(hasCodeBlock(bodyHtml) ? [CODE_COPY_SCRIPT] : []), ...(hasMermaid(bodyHtml) ? [MERMAID_SCRIPT] : [])],
  };
}

export async function renderAssetsRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  const vendor = (root: string, prefix: string, allowed: RegExp) =>
    app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: false,
      cacheControl: false,
      index: false,
      allowedPath: (path) => allowed.test(path),
      setHeaders: (res) => res.setHeader('cache-control', ASSET_CACHE),
    });
  await vendor(KATEX_DIR, '/_readcount/katex/', KATEX_FILE);
  await vendor(MERMAID_DIR, '/_readcount/mermaid/', MERMAID_FILE);
  for (const [url, file] of [
    [MERMAID_SCRIPT, 'mermaid-draw.js'],
    [CODE_COPY_SCRIPT, 'code-copy.js'],
  ] as const) {
    app.get(url, (_request, reply) => {
      void reply
        .header('cache-control', ASSET_CACHE)
        .type('text/javascript; charset=utf-8')
        .send(createReadStream(`${CLIENT_DIR}${file}`));
    });
  }
  imageRoute(app, deps.images);
}

/** `/_readcount/img/<width>/<original path>.webp`: a variant responsive.ts listed in a srcset, made on first request. */
function imageRoute(app: FastifyInstance, images: ResponsiveImages | undefined): void {
  app.get<{ Params: { width: string; '*': string } }>(`${VARIANT_PREFIX}:width/*`, async (request, reply) => {
    const width = Number(request.params.width);
    const rest = request.url.slice(`${VARIANT_PREFIX}${request.params.width}`.length).split('?')[0] ?? '';
    const source = images && rest.endsWith('.webp') ? images.source(rest.slice(0, -'.webp'.length)) : undefined;
    if (!images || !source || !images.hasVariant(source, width)) return sendError(reply, 'not_found');
    let file: string;
    try {
      file = await images.variant(source, width);
    } catch (error) {
      request.log.warn({ err: error }, `image variant failed: ${source.file}`);
      return sendError(reply, 'not_found');
    }
    return reply
      .type('image/webp')
      .header('cache-control', `public, max-age=${STATIC_CACHE_SECONDS}`)
      .send(createReadStream(file));
  });
}
