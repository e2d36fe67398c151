// Visible reading time (Page Visibility API) and the read report after it, shared by our pages (as a module) and /embed.js (inlined).

/** Calls `done` once the page has been visible for `ms` in total (hidden time does not count). */
export function afterVisibleTime(ms, done) {
  let visibleMs = 0;
  let since = document.visibilityState === 'visible' ? performance.now() : undefined;
  let timer;
  const arm = () => {
    clearTimeout(timer);
    if (since === undefined) return;
    timer = setTimeout(
      () => {
        document.removeEventListener('visibilitychange', onChange);
        done();
      },
      Math.max(0, ms - visibleMs),
    );
  };
  const onChange = () => {
    if (document.visibilityState === 'visible') {
      since = performance.now();
    } else if (since !== undefined) {
      visibleMs += performance.now() - since;
      since = undefined;
    }
    arm();
  };
  document.addEventListener('visibilitychange', onChange);
  arm();
}

const MAX_RETRIES = 5;

/**
 * Once the page was visible for `readAfterMs`, pushes `reader` on the post's channel. The server's clock is the judge:
 * if ours ran fast, the `too_early` reply says how long to wait, and the report is sent again (a few times at most).
 * `ok` comes only once the read is committed; with no reply (the server went away: the push times out after the
 * reconnect) or `retry_later`, the same token is sent again; the server counts a page view at most once.
 */
export function reportReadWhenVisible(channel, token, readAfterMs) {
  let retries = 0;
  const again = (ms) => {
    if (retries >= MAX_RETRIES) return;
    retries += 1;
    setTimeout(report, ms);
  };
  const report = () => {
    channel
      .push('reader', { csrf_token: token, automated: navigator.webdriver === true })
      .receive('error', ({ reason, retry_after_ms: wait }) => {
        if (reason === 'too_early') again(Math.min(Number(wait) || 1000, readAfterMs) + 50);
        else if (reason === 'retry_later') again(Number(wait) || 5000);
      })
      .receive('timeout', () => again(1000));
  };
  afterVisibleTime(readAfterMs, report);
}
