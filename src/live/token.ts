// Page-view tokens: HMAC-signed, expiring, bound to one page and one view, checked in constant time.
import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

export interface PageView {
  /** What the token was issued for (a topic or page name the app chooses). */
  readonly page: string;
  /** Random id of this page load. */
  readonly view: string;
  /** Server clock when the page was rendered (ms). */
  readonly issuedAt: number;
}

const VIEW_ID_BYTES = 12;

/** View ids drawn from a pool filled by one CSPRNG call per 512 ids: a call per page showed in a page's CPU profile. */
class ViewIds {
  private readonly pool = Buffer.alloc(VIEW_ID_BYTES * 512);
  private offset = this.pool.length;

  next(): string {
    if (this.offset === this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const id = this.pool.toString('base64url', this.offset, this.offset + VIEW_ID_BYTES);
    this.offset += VIEW_ID_BYTES;
    return id;
  }
}

export type TokenCheck = { ok: true; pageView: PageView } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export class TokenSigner {
  private readonly viewIds = new ViewIds();

  constructor(
    private readonly key: string,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(page: string): string {
    const pageView: PageView = { page, view: this.viewIds.next(), issuedAt: this.now() };
    const body = Buffer.from(JSON.stringify([pageView.page, pageView.view, pageView.issuedAt])).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** `allowExpired`: a genuine token past its age still identifies its page view (used to let old tabs reconnect). */
  verify(token: unknown, { allowExpired = false }: { allowExpired?: boolean } = {}): TokenCheck {
    if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'malformed' };
    const dot = token.indexOf('.');
    if (dot <= 0) return { ok: false, reason: 'malformed' };
    const body = token.slice(0, dot);
    // The signature's text is compared, not its decoded bytes: base64url's last character has unused bits, so
    // several spellings decode alike, and only the one we issued may count as that token.
    const given = Buffer.from(token.slice(dot + 1), 'latin1');
    const expected = Buffer.from(this.mac(body), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!Array.isArray(fields) || fields.length !== 3) return { ok: false, reason: 'malformed' };
    const [page, view, issuedAt] = fields as unknown[];
    if (typeof page !== 'string' || typeof view !== 'string' || typeof issuedAt !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    const age = this.now() - issuedAt;
    if ((age > this.maxAgeMs && !allowExpired) || age < -60_000) return { ok: false, reason: 'expired' };
    return { ok: true, pageView: { page, view, issuedAt } };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
