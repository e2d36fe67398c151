// Plain MDX as markdown: `import`/`export` lines and JSX components go (each noted), what is inside a component stays.

import { lineAt, type Notes } from './segments.js';

const IMPORT_EXPORT = /^(?:import|export)\s[^\n]*(?:\n(?![ \t]*$)[^\n]*)*?(?:;|\bfrom\s+['"][^'"]+['"];?)[ \t]*$/gm;
const COMMENT = /\{\/\*[\s\S]*?\*\/\}/g;
// A capitalised tag (a component: `<Chart data={x} />`, `<Aside>`…`</Aside>`); lowercase tags are HTML.
const COMPONENT = /<\/?([A-Z][\w.]*)(?:\s(?:[^<>{}]|\{[^{}]*\})*)?\/?>/g;
const EXPRESSION = /^\{[^}\n]*\}[ \t]*$/gm;

export function convertMdx(chunk: string, startLine: number, notes: Notes): string {
  const imports = chunk.replace(IMPORT_EXPORT, (line: string, offset: number) => {
    notes.add(lineAt(chunk, offset, startLine), `MDX ${line.split('\n')[0]?.slice(0, 70)} removed`);
    return '\n'.repeat(line.split('\n').length - 1);
  });
  const comments = imports.replace(COMMENT, (comment: string) => '\n'.repeat(comment.split('\n').length - 1));
  const components = comments.replace(COMPONENT, (tag: string, name: string, offset: number) => {
    if (!tag.startsWith('</')) notes.add(lineAt(comments, offset, startLine), `MDX component <${name}> removed`);
    return '\n'.repeat(tag.split('\n').length - 1);
  });
  return components.replace(EXPRESSION, (expression: string, offset: number) => {
    notes.add(lineAt(components, offset, startLine), `MDX expression ${expression.trim().slice(0, 40)} removed`);
    return '';
  });
}
