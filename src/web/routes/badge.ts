// `/counter/:slug.svg`: the retro counter badge for <img> tags, READMEs and feed readers (no JavaScript needed).
import type { FastifyInstance } from 'fastify';
import { isValidSlug } from '../../posts/post.js';
import { findPage } from '../../stats/summary.js';
import { sendError } from '../http-errors.js';
import { BADGE_STYLES, type BadgeStyle, badgeSvg } from '../views/badge-svg.js';
import type { WebPluginOptions } from './deps.js';

/** Short enough that a README shows a fresh number soon, long enough that an image proxy is not a firehose. */
const BADGE_CACHE = 'public, max-age=60';

export async function badgeRoutes(app: FastifyInstance, { deps }: WebPluginOptions): Promise<void> {
  app.get<{ Params: { slug: string }; Querystring: { style?: string; label?: string; digits?: string } }>(
    '/counter/:slug.svg',
    (request, reply) => {
      const { slug } = request.params;
      const page = isValidSlug(slug) ? findPage(deps, slug) : undefined;
      const count = page && deps.counter.count(slug);
      if (!page || count === undefined) {
        return sendError(reply.header('cache-control', 'no-store'), 'not_found', {
          as: 'text',
          message: 'no such post',
        });
      }
      const { style: rawStyle, label, digits } = request.query;
      const style: BadgeStyle = (BADGE_STYLES as readonly string[]).includes(rawStyle ?? '')
        ? (rawStyle as BadgeStyle)
        : 'odometer';
      const minDigits = /^\d$/.test(digits ?? '') ? Number(digits) : 6;
      // Without ?label=, the site's word for readers ("READERS", "LESER").
      const { labels } = deps.site.current;
      const word = labels.t('reader_other').toLocaleUpperCase(labels.language);
      const body = badgeSvg({ count, style, label: typeof label === 'string' ? label : word, minDigits });
      void reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', BADGE_CACHE)
        // Helmet's same-origin default would stop <img> on other sites (and GitHub's image proxy) from showing it.
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(body);
    },
  );
}
