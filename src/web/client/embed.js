// <read-counter slug="…"> for static sites: fetches a page-view token (CORS), shows the live count, reports a read like our own pages.
// Served as /embed.js wrapped together with the phoenix client, which provides `Phoenix` here.
/* global Phoenix, reportReadWhenVisible */
const script = document.currentScript;
const base = new URL(script?.src ?? location.href).origin;
const liveEndpoint = `${base.replace(/^http/, 'ws')}/live`;
const numberFormat = new Intl.NumberFormat(navigator.language || undefined);

const STYLE = `:host{display:inline-block;font:700 1rem "Courier New",ui-monospace,monospace}
.digits{display:inline-block;padding:.1rem .5rem;background:#111;color:#39ff14;letter-spacing:.18em;border:2px inset #666;border-radius:3px}
:host([data-state="refused"]) .digits{color:#888}`;

// reportReadWhenVisible() comes from visible-time.js, inlined ahead of this file by the /embed.js route.

class ReadCounterElement extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style><span class="digits" part="digits">…</span>`;
    this.digits = root.querySelector('.digits');
    this.count = -1;
    this.start().catch(() => this.refuse());
  }

  disconnectedCallback() {
    this.socket?.disconnect();
  }

  show(count, authoritative) {
    if (typeof count !== 'number' || (!authoritative && count <= this.count)) return;
    this.count = count;
    this.dataset.count = String(count);
    this.digits.textContent = numberFormat.format(count);
  }

  refuse() {
    this.dataset.state = 'refused';
    this.digits.textContent = '—';
  }

  async start() {
    const slug = this.getAttribute('slug') ?? '';
    const query = new URLSearchParams({ slug, path: location.pathname });
    const response = await fetch(`${base}/api/embed/token?${query}`, { mode: 'cors', credentials: 'omit' });
    if (!response.ok) return this.refuse();
    const { token, count, readAfterMs } = await response.json();
    this.show(count, true);
    this.dataset.state = 'live';
    const socket = new Phoenix.Socket(liveEndpoint, { params: { _csrf_token: token } });
    this.socket = socket;
    socket.connect();
    const channel = socket.channel(`post:${slug}`, {});
    channel.on('count', ({ count: next }) => this.show(next, false));
    channel
      .join()
      .receive('ok', ({ count: next }) => this.show(next, true))
      .receive('error', () => this.refuse());
    reportReadWhenVisible(channel, token, readAfterMs);
  }
}

if (!customElements.get('read-counter')) customElements.define('read-counter', ReadCounterElement);

// `<script src=".../embed.js" data-slug="…">` places a counter right where the script tag is.
if (script?.dataset.slug) {
  const element = document.createElement('read-counter');
  element.setAttribute('slug', script.dataset.slug);
  script.after(element);
}
