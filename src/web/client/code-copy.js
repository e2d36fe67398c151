// Adds a "Copy" button to every code block of a post (loaded only on posts with code; without JavaScript there is none).
// The button's words in the page's language, from the layout's meta tag (English without one).
const words = { copy: 'Copy', copied: 'Copied', failed: 'Copy failed', label: 'Copy code to clipboard' };
try {
  Object.assign(
    words,
    JSON.parse(document.querySelector('meta[name="readcount-words"]')?.getAttribute('content') ?? '{}'),
  );
} catch {}

for (const frame of document.querySelectorAll('.code-block')) {
  const code = frame.querySelector('pre code');
  if (!code || !navigator.clipboard) continue;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'code-copy';
  button.textContent = words.copy;
  button.setAttribute('aria-label', words.label);
  let reset;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code.textContent ?? '');
      button.textContent = words.copied;
    } catch {
      button.textContent = words.failed;
    }
    clearTimeout(reset);
    reset = setTimeout(() => {
      button.textContent = words.copy;
    }, 2000);
  });
  frame.append(button);
}
