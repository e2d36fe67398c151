// Builds the README's configuration tables from src/config.ts (grouped; tuning apart), so docs cannot drift from code.
import { GROUPS, type Group, OPTIONS } from '../src/config.js';

export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';
export const TUNING_START = '<!-- tuning-table:start -->';
export const TUNING_END = '<!-- tuning-table:end -->';

const shownDefault = (value: unknown): string => {
  const text = Array.isArray(value)
    ? value.every((item) => typeof item === 'string')
      ? value.join(',')
      : JSON.stringify(value)
    : value;
  return text === undefined || text === '' || text === '[]' ? '(unset)' : `\`${String(text)}\``;
};

function table(group: Group): string {
  const rows = Object.values(OPTIONS)
    .filter((spec) => spec.group === group)
    .map(
      (spec) =>
        `| \`${spec.key}\` | \`${spec.env}\` | \`--${spec.flag}\` | ${shownDefault(spec.default)} | ${spec.description} |`,
    );
  return ['| readcount.yml | env var | `serve` flag | default | meaning |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** Every group a blogger sets, each under its own heading. */
export function configTable(): string {
  return (Object.keys(GROUPS) as Group[])
    .filter((group) => group !== 'tuning')
    .map((group) => `**${GROUPS[group]}**\n\n${table(group)}`)
    .join('\n\n');
}

export const tuningTable = (): string => table('tuning');

function between(text: string, start: string, end: string, content: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs ${start} and ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

export function withConfigTable(readme: string): string {
  return between(between(readme, START, END, configTable()), TUNING_START, TUNING_END, tuningTable());
}
