// The built-in words of every page, per language; `_one`/`_other` keys are plural forms picked by Intl.PluralRules.
import { DE } from './labels/de.js';
import { EN, type LabelStrings } from './labels/en.js';
import { ES } from './labels/es.js';
import { FR } from './labels/fr.js';
import { IT } from './labels/it.js';
import { NL } from './labels/nl.js';
import { PT } from './labels/pt.js';

export type { LabelKey, LabelStrings } from './labels/en.js';

/** Every label a page shows, in English (src/i18n/labels/en.ts says what each `{part}` is). */
export const ENGLISH = EN;

/**
 * Languages with their own words, each complete (the type checks it); any other language tag falls back to its base
 * language, then English.
 */
export const LABEL_TABLE: Readonly<Record<string, LabelStrings>> = {
  en: EN,
  de: DE,
  fr: FR,
  es: ES,
  pt: PT,
  it: IT,
  nl: NL,
};
