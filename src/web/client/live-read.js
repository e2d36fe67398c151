// The page's side of a read and of its connection state, shared by our pages (as a module) and /embed.js (inlined).

/**
 * Refusals that no retry can change; anything else (too_early, retry_later, rate_limited, a lost reply) is asked
 * again. `token_replayed` after a lost reply means an earlier attempt of this page view was counted: done.
 */
const FINAL_REFUSALS = [
  'invalid_token',
  'token_replayed',
  'repeat_visitor',
  'network_limit',
  'bot',
  'dnt',
  'unknown_post',
];
const MAX_ATTEMPTS = 30;

/**
 * Reports one read for `channel` once it is due, and keeps asking until the server answers it: `ok` comes only once
 * the read is committed; a push that times out or is lost with the connection is sent again after the rejoin. Call `joined()` on every join reply (the first one
 * starts the visible-time clock) and `due()` once the page has been visible long enough.
 */
export function readReporter(channel, payload, readAfterMs) {
  let state = 'waiting';
  let attempts = 0;
  const send = () => {
    if (state !== 'due') return;
    // Not joined (reconnecting): the rejoin's reply calls joined(), which sends it then.
    if (channel.state !== 'joined') return;
    if (attempts >= MAX_ATTEMPTS) return;
    attempts += 1;
    state = 'sending';
    const retry = (ms) => {
      state = 'due';
      setTimeout(send, ms);
    };
    channel
      .push('reader', payload)
      .receive('ok', () => {
        state = 'done';
      })
      .receive('error', ({ reason, retry_after_ms: retryAfter } = {}) => {
        if (FINAL_REFUSALS.includes(reason)) state = 'done';
        // The server's clock is the judge; if ours ran fast, wait the difference and ask again.
        else if (reason === 'too_early') retry(Math.min(Number(retryAfter) || 1000, readAfterMs) + 50);
        // Not committed in time (the store is slow or down): the same token again later, counted at most once.
        else if (reason === 'retry_later') retry(Number(retryAfter) || 5000);
        else retry(1000);
      })
      .receive('timeout', () => retry(250));
  };
  return {
    joined: () => send(),
    due: () => {
      if (state !== 'waiting') return;
      state = 'due';
      send();
    },
  };
}

/**
 * Keeps `data-live` on `container` true: `connecting` until the first join, `live` while joined, `offline` when the
 * connection is lost (or never came within `graceMs`). `onChange(state)` lets the page hide what is only true live.
 */
export function liveState(socket, container, onChange = () => {}, graceMs = 4000) {
  let state = 'connecting';
  let joinedOnce = false;
  const set = (next) => {
    if (state === next) return;
    state = next;
    if (container) container.dataset.live = next;
    onChange(next);
  };
  if (container) container.dataset.live = state;
  const lost = () => {
    // The first websocket attempt may fail while the LongPoll fallback is still coming: not offline yet.
    if (joinedOnce) set('offline');
    else setTimeout(() => state !== 'live' && set('offline'), graceMs);
  };
  socket.onError(lost);
  socket.onClose(lost);
  return {
    joined: () => {
      joinedOnce = true;
      set('live');
    },
    lost,
  };
}
