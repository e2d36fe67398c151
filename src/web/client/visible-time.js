// Visible reading time (Page Visibility API), shared by our pages (as a module) and by /embed.js (inlined).

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
