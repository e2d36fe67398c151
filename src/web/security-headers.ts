// Security headers (CSP, HSTS, frame and sniffing rules) from helmet, on every response.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config.js';

/** The page policy: scripts and sockets only from the site; images and media also from data: (and https:). */
export function contentSecurityPolicy(config: Pick<Config, 'externalMedia'>) {
  // Posts link images and media hosted elsewhere; EXTERNAL_MEDIA=false keeps readers' browsers on this site.
  const media = config.externalMedia ? ["'self'", 'data:', 'https:'] : ["'self'", 'data:'];
  return {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Style attributes: shiki's colours, KaTeX's heights and kerns; mermaid puts a <style> in each SVG it draws.
      // Scripts never: script-src stays 'self'.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: media,
      mediaSrc: media,
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      frameAncestors: ["'self'"],
      // Only the click-to-load video players (/_readcount/video.js); nothing is framed before the reader clicks.
      frameSrc: ["'self'", 'https://www.youtube-nocookie.com', 'https://player.vimeo.com'],
      // Helmet's default would turn ws:// and http:// into wss:// and https://, breaking plain-HTTP installs (LAN,
      // dev); every URL we emit is relative, so behind TLS it adds nothing.
      upgradeInsecureRequests: null,
    },
  } satisfies HelmetOptions['contentSecurityPolicy'];
}

/**
 * Our helmet options carry no per-request parts (no nonces), so its headers are computed once by running the middleware
 * against a recording response, and each request gets them in one `reply.headers` call instead of helmet's dozen
 * validated `setHeader`s. A route's own `reply.header` set later still wins (e.g. /embed.js's
 * cross-origin-resource-policy).
 */
export function addSecurityHeaders(
  app: FastifyInstance,
  options: HelmetOptions,
  skip?: (request: FastifyRequest) => boolean,
): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (request, reply, done) => {
    if (!skip?.(request)) reply.headers(headers);
    done();
  });
}

/** The headers helmet would set with these options, lower-cased. */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  let failure: unknown;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    done = true;
    failure = error;
  });
  // Helmet finishes synchronously when no directive is a function; anything else would need per-request headers.
  if (!done) throw new Error('helmet did not finish synchronously: security headers cannot be computed once');
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}
