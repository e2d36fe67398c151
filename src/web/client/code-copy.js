// Adds a "Copy" button to every code block of a post (loaded only on posts with code; without JavaScript there is none).
for (const frame of document.querySelectorAll('.code-block')) {
  const code = frame.querySelector('pre code');
  if (!code || !navigator.clipboard) continue;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'code-copy';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy code to clipboard');
  let reset;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code.textContent ?? '');
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed';
    }
    clearTimeout(reset);
    reset = setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  });
  frame.append(button);
}
