// Browser side of engagement: the referrer sent on join, and one end-of-view report (visible time, deepest point).

/** The referring page, or '' when there is none or it is this site: only its host is kept, on the server. */
export function referrer() {
  try {
    return document.referrer && new URL(document.referrer).origin !== location.origin ? document.referrer : '';
  } catch {
    return '';
  }
}

/** Deepest point of `article` seen so far, as a fraction 0-1 of its height (the bottom of the viewport counts). */
function depthTracker(article) {
  let max = 0;
  const measure = () => {
    if (!article) return;
    const box = article.getBoundingClientRect();
    const seen = (window.innerHeight - box.top) / Math.max(1, box.height);
    max = Math.max(max, Math.min(1, Math.max(0, seen)));
  };
  measure();
  addEventListener('scroll', measure, { passive: true });
  addEventListener('resize', measure, { passive: true });
  return () => {
    measure();
    return Math.round(max * 1000) / 1000;
  };
}

/** Total time the page was visible, on this page's own clock (the server clamps it to its own). */
function visibleTimer() {
  let total = 0;
  let since = document.visibilityState === 'visible' ? performance.now() : undefined;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') since = performance.now();
    else if (since !== undefined) {
      total += performance.now() - since;
      since = undefined;
    }
  });
  return () => Math.round(total + (since === undefined ? 0 : performance.now() - since));
}

/**
 * Reports once, the first time the page is hidden or left: mobile browsers often never fire `pagehide`, so the first
 * `hidden` is the last moment known to come. While the socket is open the report goes over it (`leave_report`); a page
 * being unloaded may close the socket before that frame leaves, so `pagehide` without a reply to it sends the same
 * report by navigator.sendBeacon to /api/view-end (the server takes one per page view and refuses the other).
 */
export function reportViewEnd({ token, article, channel, socketOpen }) {
  const depth = depthTracker(article);
  const visible = visibleTimer();
  let report;
  let answered = false;
  const beacon = () => {
    answered = true;
    const body = new Blob([JSON.stringify({ token, ...report })], { type: 'application/json' });
    navigator.sendBeacon('/api/view-end', body);
  };
  const onHidden = () => {
    if (report || !token || document.visibilityState !== 'hidden') return;
    report = { visible_ms: visible(), depth: depth() };
    if (!socketOpen()) return beacon();
    channel
      .push('leave_report', report)
      .receive('ok', () => (answered = true))
      .receive('error', () => (answered = true));
  };
  // Capture: runs before the timer's own listener, so `visible()` still counts the time up to this moment.
  document.addEventListener('visibilitychange', onHidden, true);
  addEventListener('pagehide', () => {
    if (!token) return;
    if (!report) report = { visible_ms: visible(), depth: depth() };
    if (!answered) beacon();
  });
}
