// `npm run docs:config`: rewrites the configuration table in README.md from src/config.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from './config-table.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withConfigTable(readFileSync(file, 'utf8')));
