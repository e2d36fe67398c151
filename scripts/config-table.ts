// Builds the README's configuration table from src/config.ts, so docs cannot drift from code.
import { OPTIONS } from '../src/config.js';

export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';

export function configTable(): string {
  const rows = Object.values(OPTIONS).map((spec) => {
    const value = Array.isArray(spec.default) ? spec.default.join(',') : spec.default;
    const shown = value === undefined || value === '' ? '(unset)' : `\`${String(value)}\``;
    return `| \`${spec.env}\` | \`--${spec.flag}\` | ${shown} | ${spec.description} |`;
  });
  return ['| env var | `serve` flag | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function withConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${START} and ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
