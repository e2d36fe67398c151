// Click-to-load video: the placeholder becomes the privacy-friendly player only when the reader asks for it.

/** Only these players are ever loaded (the CSP's frame-src allows the same two). */
const PLAYERS = /^https:\/\/(?:www\.youtube-nocookie\.com\/embed\/[\w-]+|player\.vimeo\.com\/video\/\d+)\?/;

function play(placeholder) {
  const src = placeholder.dataset.player ?? '';
  if (!PLAYERS.test(src)) return;
  const frame = document.createElement('iframe');
  frame.src = src;
  frame.title = placeholder.querySelector('.video-play')?.getAttribute('aria-label') ?? 'Video';
  frame.allow = 'autoplay; fullscreen; picture-in-picture; encrypted-media';
  frame.allowFullscreen = true;
  frame.referrerPolicy = 'strict-origin-when-cross-origin';
  frame.className = 'video-frame';
  placeholder.replaceChildren(frame);
  placeholder.dataset.playing = 'true';
}

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('.video-embed .video-play') : null;
  const placeholder = button?.closest('.video-embed');
  if (placeholder instanceof HTMLElement) play(placeholder);
});
