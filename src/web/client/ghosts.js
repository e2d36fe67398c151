// Reader ghosts in the browser: reports where in the article this reader is, and shows where the others are, in the margin.

/** The reading line: this far down the viewport is "where the reader is". */
export const READING_LINE = 0.3;
/** Positions go out at most this often, and only when they moved by at least 1 %. */
const SEND_EVERY_MS = 500;
const MIN_STEP = 0.01;
/** A visible page repeats an unchanged position this often, so the server can drop ghosts of connections lost silently. */
const KEEPALIVE_MS = 10_000;
/** The server sends one ghost more than this (each page drops its own). */
const MAX_SHOWN = 50;

/**
 * Positions are measured in the article's text, not its pixels: the block at the reading line and how far into it,
 * weighted by the characters before it. A phone and a desktop at the same paragraph then report the same fraction.
 */
function textMap(body) {
  const blocks = [...body.children].filter((el) => !el.hasAttribute('data-ghost-layer'));
  const weights = blocks.map((el) => Math.max(1, el.textContent.length));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const starts = [];
  let at = 0;
  for (const w of weights) {
    starts.push(at);
    at += w;
  }
  return { blocks, weights, starts, total };
}

/** Fraction of the text above `y` (px from the body's top). */
function fractionAt(map, y) {
  const { blocks, weights, starts, total } = map;
  for (let i = 0; i < blocks.length; i += 1) {
    const top = blocks[i].offsetTop;
    const height = blocks[i].offsetHeight;
    if (y < top) return starts[i] / total;
    if (y < top + height) return (starts[i] + ((y - top) / Math.max(1, height)) * weights[i]) / total;
  }
  return 1;
}

/** The inverse: px from the body's top where fraction `p` of the text is. */
function offsetOf(map, p) {
  const { blocks, weights, starts, total } = map;
  const at = p * total;
  for (let i = 0; i < blocks.length; i += 1) {
    if (at < starts[i] + weights[i] || i === blocks.length - 1) {
      const into = Math.min(1, Math.max(0, (at - starts[i]) / weights[i]));
      return blocks[i].offsetTop + into * blocks[i].offsetHeight;
    }
  }
  return 0;
}

/** Call before the channel joins; `joined(reply)` with every join reply (a rejoin gives a new id). */
export function startGhosts(channel, body = document.querySelector('.post-body')) {
  if (!body) return { joined() {} };
  const map = textMap(body);
  const layer = document.createElement('div');
  layer.className = 'ghosts';
  layer.setAttribute('data-ghost-layer', '');
  layer.setAttribute('aria-hidden', 'true');
  body.append(layer);
  const shown = new Map();
  let own;
  let lastFrame = { ghosts: [] };
  let strip;

  const place = (element, p) => {
    element.style.transform = `translateY(${Math.round(offsetOf(map, p))}px)`;
  };

  const render = (frame) => {
    lastFrame = frame;
    const keep = new Set();
    for (const [id, p, hue, hidden] of frame.ghosts ?? []) {
      if (id === own || keep.size >= MAX_SHOWN) continue;
      keep.add(id);
      let ghost = shown.get(id);
      if (!ghost) {
        ghost = document.createElement('span');
        ghost.className = 'ghost';
        ghost.setAttribute('data-ghost', '');
        ghost.style.setProperty('--ghost-hue', String(hue));
        layer.append(ghost);
        shown.set(id, ghost);
      }
      ghost.dataset.position = String(p);
      ghost.toggleAttribute('data-hidden', hidden === 1);
      place(ghost, p);
    }
    for (const [id, ghost] of shown) {
      if (keep.has(id)) continue;
      ghost.remove();
      shown.delete(id);
    }
    renderDensity(frame.density);
  };

  const renderDensity = (density) => {
    if (!Array.isArray(density)) {
      strip?.remove();
      strip = undefined;
      return;
    }
    if (!strip) {
      strip = document.createElement('div');
      strip.className = 'ghost-density';
      strip.setAttribute('data-ghost-density', '');
      layer.prepend(strip);
    }
    const most = Math.max(1, ...density);
    strip.replaceChildren(
      ...density.map((count, bin) => {
        const band = document.createElement('span');
        const top = offsetOf(map, bin / density.length);
        band.style.top = `${Math.round(top)}px`;
        band.style.height = `${Math.max(1, Math.round(offsetOf(map, (bin + 1) / density.length) - top))}px`;
        band.style.opacity = String(count / most);
        band.dataset.count = String(count);
        return band;
      }),
    );
  };

  const position = () => {
    const viewTop = window.scrollY;
    const viewHeight = window.innerHeight;
    const bodyTop = body.getBoundingClientRect().top + viewTop;
    const atBottom = viewTop + viewHeight >= document.documentElement.scrollHeight - 2;
    // Scrolled to the very end with the article's end in view: the reader is at its end.
    if (atBottom && bodyTop + body.offsetHeight <= viewTop + viewHeight) return 1;
    const y = viewTop + viewHeight * READING_LINE - bodyTop;
    return Math.round(Math.min(1, Math.max(0, fractionAt(map, y))) * 100) / 100;
  };

  let sent;
  let sentHidden = false;
  let lastSentAt = -Infinity;
  let timer;
  const send = (p, hidden) => {
    sent = p;
    sentHidden = hidden;
    lastSentAt = performance.now();
    channel.push('position', { p, hidden });
  };
  const check = () => {
    timer = undefined;
    if (own === undefined) return;
    if (document.visibilityState !== 'visible') {
      if (sent !== undefined && !sentHidden) send(sent, true);
      return;
    }
    const p = position();
    if (sent !== undefined && !sentHidden && Math.abs(p - sent) < MIN_STEP) return;
    const wait = lastSentAt + SEND_EVERY_MS - performance.now();
    if (wait > 0) timer = setTimeout(check, wait);
    else send(p, false);
  };
  const schedule = () => {
    if (timer === undefined) timer = setTimeout(check, 0);
  };

  addEventListener('scroll', schedule, { passive: true });
  addEventListener('resize', () => {
    render(lastFrame);
    schedule();
  });
  document.addEventListener('visibilitychange', schedule);
  setInterval(() => {
    const due = performance.now() - lastSentAt >= KEEPALIVE_MS;
    if (due && own !== undefined && sent !== undefined && !sentHidden && document.visibilityState === 'visible')
      send(sent, false);
  }, KEEPALIVE_MS / 2);
  channel.on('ghosts', render);

  return {
    joined(reply) {
      // A new join is a new ghost on the server: it knows no position for it yet.
      own = typeof reply?.ghost === 'string' ? reply.ghost : undefined;
      sent = undefined;
      lastSentAt = -Infinity;
      if (reply?.ghosts) render(reply.ghosts);
      schedule();
    },
  };
}
