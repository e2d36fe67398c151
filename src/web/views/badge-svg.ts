// The retro counter badge as SVG: odometer wheels, a green LCD, or a flat label; every text is escaped.
// Class names carry a per-style prefix so several badges inlined in one HTML page do not restyle each other.
import { escapeHtml } from './html.js';

export const BADGE_STYLES = ['odometer', 'lcd', 'flat'] as const;
export type BadgeStyle = (typeof BADGE_STYLES)[number];

export interface BadgeInput {
  readonly count: number;
  readonly style: BadgeStyle;
  /** Caption left of the digits; escaped, at most 24 characters. */
  readonly label: string;
  /** Pad the count to at least this many digits, like a real odometer. */
  readonly minDigits?: number;
}

const FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

function digitsOf(count: number, minDigits: number): string {
  return String(Math.max(0, Math.floor(count))).padStart(minDigits, '0');
}

function svg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">
<title>${title}</title>
${body}
</svg>
`;
}

function odometer(label: string, digits: string): string {
  const cell = 16;
  const labelWidth = label ? label.length * 7 + 14 : 0;
  const width = labelWidth + digits.length * cell + 8;
  const cells = [...digits]
    .map((digit, i) => {
      const x = labelWidth + 4 + i * cell;
      return `<rect x="${x}" y="4" width="${cell - 2}" height="22" rx="2" fill="url(#wheel)"/><text x="${x + (cell - 2) / 2}" y="20" class="rc-odo-digit">${digit}</text>`;
    })
    .join('\n');
  const caption = label ? `<text x="${labelWidth / 2}" y="19" class="rc-odo-label">${label}</text>` : '';
  return svg(
    width,
    30,
    `${label} ${digits}`.trim(),
    `<defs><linearGradient id="wheel" x1="0" y1="0" x2="0" y2="1">
<stop offset="0" stop-color="#111"/><stop offset="0.5" stop-color="#444"/><stop offset="1" stop-color="#111"/></linearGradient></defs>
<style>.rc-odo-digit{font:bold 15px ${FONT};fill:#fff;text-anchor:middle}.rc-odo-label{font:bold 11px ${FONT};fill:#f4d35e;text-anchor:middle;letter-spacing:1px}</style>
<rect width="${width}" height="30" rx="4" fill="#2b2118" stroke="#8a6d3b" stroke-width="2"/>
${caption}
<g class="digits">
${cells}
</g>`,
  );
}

function lcd(label: string, digits: string): string {
  const labelWidth = label ? label.length * 7 + 12 : 0;
  const width = labelWidth + digits.length * 12 + 16;
  const caption = label ? `<text x="8" y="20" class="rc-lcd-label">${label}</text>` : '';
  return svg(
    width,
    30,
    `${label} ${digits}`.trim(),
    `<style>.rc-lcd-digits{font:bold 18px ${FONT};fill:#39ff14;letter-spacing:2px}.rc-lcd-ghost{fill:#0f3d0f}.rc-lcd-label{font:10px ${FONT};fill:#7fbf7f}</style>
<rect width="${width}" height="30" rx="3" fill="#061a06" stroke="#264d26"/>
${caption}
<text x="${labelWidth + 6}" y="22" class="rc-lcd-digits rc-lcd-ghost">${'8'.repeat(digits.length)}</text>
<text x="${labelWidth + 6}" y="22" class="rc-lcd-digits">${digits}</text>`,
  );
}

function flat(label: string, digits: string): string {
  const left = Math.max(label.length * 7 + 10, 10);
  const right = digits.length * 8 + 12;
  return svg(
    left + right,
    20,
    `${label} ${digits}`.trim(),
    `<style>.rc-flat{font:11px Verdana,DejaVu Sans,sans-serif;fill:#fff;text-anchor:middle}</style>
<rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="#c0392b"/>
<text x="${left / 2}" y="14" class="rc-flat">${label}</text>
<text x="${left + right / 2}" y="14" class="rc-flat">${digits}</text>`,
  );
}

export function badgeSvg(input: BadgeInput): string {
  const label = escapeHtml(input.label.slice(0, 24));
  const digits = digitsOf(input.count, input.style === 'flat' ? 1 : (input.minDigits ?? 6));
  if (input.style === 'lcd') return lcd(label, digits);
  if (input.style === 'flat') return flat(label, digits);
  return odometer(label, digits);
}
