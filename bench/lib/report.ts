// Rows of the bench table: printing, and writing bench/results/<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Row {
  readonly scenario: string;
  /** readcount's figure (with unit in `unit`), or undefined when the row was skipped. */
  readonly readcount?: number;
  readonly baseline?: number;
  readonly unit: string;
  /** readcount ÷ baseline; undefined when there is no baseline. */
  readonly ratio?: number;
  readonly target: string;
  readonly pass?: boolean;
  /** Why a row has no figure (skipped, pending) or what else was seen. */
  readonly note?: string;
}

export function ratioRow(
  scenario: string,
  unit: string,
  readcount: number,
  baseline: number,
  target: string,
  passes: (ratio: number) => boolean,
  note?: string,
): Row {
  const ratio = readcount / baseline;
  return {
    scenario,
    readcount,
    baseline,
    unit,
    ratio,
    target,
    pass: Number.isFinite(ratio) && passes(ratio),
    ...(note ? { note } : {}),
  };
}

const fmt = (value: number | undefined): string => {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
};

export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'readcount', 'baseline', 'ratio', 'target', 'result'];
  const lines = rows.map((row) => [
    row.scenario,
    row.readcount === undefined ? '—' : `${fmt(row.readcount)} ${row.unit}`,
    row.baseline === undefined ? '—' : `${fmt(row.baseline)} ${row.unit}`,
    row.ratio === undefined ? '—' : `${fmt(row.ratio)}×`,
    row.target,
    row.pass === undefined ? (row.target === 'info' ? 'info' : (row.note ?? 'skipped')) : row.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] as string).length)),
  );
  const render = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}

export function machine(): Record<string, string | number> {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** `tag` (e.g. `only-4`) keeps a partial run from overwriting the day's full results. */
export function writeResults(dir: string, quick: boolean, rows: readonly Row[], seconds: number, tag = ''): string {
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = join(dir, `${date}${quick ? '-quick' : ''}${tag ? `-${tag}` : ''}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), quick, seconds, machine: machine(), rows }, null, 2)}\n`,
  );
  return file;
}
