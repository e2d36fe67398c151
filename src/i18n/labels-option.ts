// The `labels:` setting: a map of label key to text, checked so a typo in a key is an error, not a silent default.
import { jsonSetting } from '../config-parsers.js';
import { isLabelKey } from './labels.js';

/** A map of label → text (YAML in the site file, JSON in the LABELS env var). */
export function labelsValue(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('must be a map of label name to text, e.g. {reader_one: "subscriber"}');
  const labels: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (!isLabelKey(key)) throw new Error(`"${key}" is not a label (docs/blog-features.md lists them)`);
    if (typeof text !== 'string' || text.trim() === '') throw new Error(`label "${key}" needs a text`);
    labels[key] = text;
  }
  return labels;
}

export const labels = (raw: string): Record<string, string> =>
  jsonSetting(raw, {}, 'a JSON object of label name to text (or a YAML map in the site file)', labelsValue);
