// A fast path for the plain `key: value` front matter most posts have; anything it is unsure of goes to the yaml library.

const KEY_LINE = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/;
const SAFE_PLAIN = /^[A-Za-z][^#:[\]{}]*$/;
const SAFE_ITEM = /^[A-Za-z][^#:,[\]{}]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
const NULLISH = new Set(['null', 'Null', 'NULL']);

/**
 * Returns exactly what `yaml.parse` would for the documents it accepts, or undefined to say "ask yaml".
 * Accepted: one `key: value` per line, values that are booleans, YYYY-MM-DD dates (strings in YAML 1.2),
 * plain or simply quoted strings, and flow lists of plain strings. Cold start of a 10,000-post blog was
 * dominated by the general parser; this keeps the common case cheap without changing any result.
 */
export function parseSimpleYaml(source: string): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  for (const rawLine of source.split('\n')) {
    const line = rawLine.replace(/[ \t\r]+$/, '');
    if (line === '') continue;
    const match = KEY_LINE.exec(line);
    if (!match) return undefined;
    const key = match[1] as string;
    if (Object.hasOwn(result, key)) return undefined;
    const value = scalar(match[2] ?? '');
    if (value === undefined) return undefined;
    result[key] = value;
  }
  return result;
}

function scalar(text: string): unknown {
  if (text === '' || NULLISH.has(text)) return undefined;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (DATE.test(text)) return text;
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    const inner = text.slice(1, -1);
    return /["\\]/.test(inner) ? undefined : inner;
  }
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const inner = text.slice(1, -1);
    return inner.includes("'") ? undefined : inner;
  }
  if (text.startsWith('[') && text.endsWith(']')) {
    const items = text
      .slice(1, -1)
      .split(',')
      .map((item) => item.trim());
    if (items.length === 1 && items[0] === '') return [];
    return items.every((item) => SAFE_ITEM.test(item)) ? items : undefined;
  }
  if (SAFE_PLAIN.test(text) && !text.includes(' #')) return text;
  return undefined;
}
