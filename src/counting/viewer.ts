// Who is on a live socket, as the app's channels see it: the page view its token names, made by the socket's connect hook.
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectResult, PageView, TokenSigner } from '../live/index.js';

/** A live socket's assigns; no IP or user agent ever leaves this object (they are hashed, never stored). */
export interface Viewer {
  /** The connect param token's page view (verified at connect). */
  readonly pageView: PageView;
  readonly ip: string;
  readonly userAgent: string;
  readonly doNotTrack: boolean;
}

/** Page names are shared: every viewer of a page holds the one string, not its own copy cut from its token. */
const SHARED_PAGES_MAX = 4096;

/** The socket's connect hook (Phoenix's connect/3): the `_csrf_token` connect param must be a page-view token we signed. */
export function viewerConnect(
  signer: TokenSigner,
): (
  params: Record<string, unknown>,
  info: { headers: IncomingHttpHeaders; ip: string },
) => ConnectResult<Viewer, 'invalid_token'> {
  const pages = new Map<string, string>();
  const shared = (page: string): string => {
    const known = pages.get(page);
    if (known !== undefined) return known;
    if (pages.size >= SHARED_PAGES_MAX) pages.clear();
    pages.set(page, page);
    return page;
  };
  return (params, { headers, ip }) => {
    // A tab left open longer than TOKEN_MAX_AGE_MS may still reconnect and watch; channels decide what an expired token may not do.
    const check = signer.verify(params._csrf_token, { allowExpired: true });
    if (!check.ok) return { ok: false, reason: 'invalid_token' };
    const { page, view, issuedAt } = check.pageView;
    return {
      ok: true,
      assigns: {
        pageView: { page: shared(page), view, issuedAt },
        ip,
        userAgent: String(headers['user-agent'] ?? ''),
        doNotTrack: headers.dnt === '1' || headers['sec-gpc'] === '1',
      },
    };
  };
}
