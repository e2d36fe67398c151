// Tagged template for HTML: interpolated values are escaped unless wrapped in `raw()`.

import { escapeHtml } from '../../escape-html.js';

export { escapeHtml };

export class RawHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (value: string): RawHtml => new RawHtml(value);

type Value = string | number | RawHtml | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof RawHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): RawHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new RawHtml(out);
}

/** A label's text with its `{name}` parts replaced by markup (the rest escaped), e.g. a number in its own span. */
export function fillHtml(text: string, parts: Readonly<Record<string, Value>>): RawHtml {
  const pieces = text.split(/\{(\w+)\}/);
  return raw(
    pieces
      .map((piece, i) =>
        i % 2 === 0 ? escapeHtml(piece) : piece in parts ? render(parts[piece] as Value) : `{${piece}}`,
      )
      .join(''),
  );
}

// Built once: toLocaleString builds a new formatter per call, which dominated page rendering.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export const formatCount = (count: number): string => COUNT_FORMAT.format(count);
