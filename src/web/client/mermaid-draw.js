// Draws each ```mermaid block as an SVG (loaded only on posts that have one); the source stays in the page, hidden.
import mermaid from '/_readcount/mermaid/mermaid.esm.min.mjs';

const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
// Diagrams take the page's own colours (custom.css included), so their text keeps the theme's contrast in both modes.
const css = getComputedStyle(document.documentElement);
const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
const page = dark ? '#151515' : '#fdfcf8';
const text = dark ? '#e8e6e3' : '#1d1d1f';
// strict: labels are text, never HTML, and click handlers in a diagram are ignored.
mermaid.initialize({
  startOnLoad: false,
  securityLevel: 'strict',
  theme: 'base',
  themeVariables: {
    darkMode: dark,
    background: colour('--bg', page),
    primaryColor: colour('--surface', page),
    primaryTextColor: colour('--fg', text),
    primaryBorderColor: colour('--muted', text),
    secondaryColor: colour('--surface', page),
    tertiaryColor: colour('--bg', page),
    lineColor: colour('--muted', text),
    textColor: colour('--fg', text),
    edgeLabelBackground: colour('--bg', page),
    fontFamily: colour('--font-body', 'sans-serif'),
  },
});

const MIN_SCALE = 0.6;
let index = 0;
for (const frame of document.querySelectorAll('.mermaid-diagram')) {
  const source = frame.querySelector('.mermaid-source');
  if (!source) continue;
  index += 1;
  try {
    const { svg } = await mermaid.render(`mermaid-diagram-${index}`, source.textContent ?? '');
    const figure = document.createElement('div');
    figure.className = 'mermaid-drawn';
    figure.setAttribute('role', 'img');
    figure.setAttribute('aria-label', 'Diagram');
    figure.innerHTML = svg;
    // Shrunk to the column down to MIN_SCALE of its size, no further: past that a wide diagram scrolls (keyboard too)
    // instead of turning its labels into specks on a phone.
    const drawn = figure.querySelector('svg');
    const box = drawn?.viewBox.baseVal;
    if (drawn && box && box.width > 0) {
      drawn.style.maxWidth = `${box.width}px`;
      drawn.style.minWidth = `${Math.round(box.width * MIN_SCALE)}px`;
      figure.tabIndex = 0;
    }
    source.hidden = true;
    frame.prepend(figure);
  } catch (error) {
    // A diagram mermaid cannot parse stays as its source, which is still readable.
    frame.dataset.mermaidError = String(error?.message ?? error);
  }
}
