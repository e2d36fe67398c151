// Writes N realistic posts for the big-blog scenario: 1–3k words, code in several languages, images, tags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORDS = (
  'counter reader page socket commit batch store sqlite redis honest crash restart ' +
  'window visible seconds browser server request cache render theme archive feed ' +
  'the a of to and in is it that for on with as was be by this are or'
).split(' ');

const TAGS = [
  'elixir',
  'typescript',
  'rust',
  'databases',
  'web',
  'ops',
  'writing',
  'linux',
  'go',
  'python',
  'css',
  'math',
];

const CODE: readonly (readonly [string, string])[] = [
  ['ts', 'export function add(a: number, b: number): number {\n  return a + b;\n}\nconsole.log(add(1, 2));'],
  ['elixir', 'defmodule Counter do\n  def inc(n), do: n + 1\nend\nIO.puts Counter.inc(41)'],
  [
    'python',
    'def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\nprint(fib(30))',
  ],
  [
    'sql',
    'SELECT slug, SUM(reads) AS total\nFROM daily\nWHERE day >= ?\nGROUP BY slug\nORDER BY total DESC\nLIMIT 20;',
  ],
  ['rust', 'fn main() {\n    let v: Vec<u32> = (1..10).map(|x| x * x).collect();\n    println!("{:?}", v);\n}'],
  ['go', 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}'],
  ['bash', 'for f in posts/*.md; do\n  wc -w "$f"\ndone | sort -n | tail -5'],
  ['css', '.counter {\n  display: inline-flex;\n  gap: 0.5rem;\n  border: 1px solid currentColor;\n}'],
];

/** A deterministic generator (xorshift) so every run writes the same blog. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function sentence(next: () => number): string {
  const length = 8 + Math.floor(next() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i += 1) words.push(WORDS[Math.floor(next() * WORDS.length)] as string);
  const text = words.join(' ');
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

/** One post's markdown: `words` words of prose in sections, with a code block and an image every few sections. */
export function bigPostMarkdown(index: number, words: number): string {
  const next = random(index * 7919 + 17);
  const parts: string[] = [];
  let written = 0;
  let section = 0;
  while (written < words) {
    section += 1;
    parts.push(`## Section ${section}`);
    for (let p = 0; p < 3 && written < words; p += 1) {
      const sentences: string[] = [];
      for (let s = 0; s < 5; s += 1) sentences.push(sentence(next));
      const paragraph = sentences.join(' ');
      written += paragraph.split(' ').length;
      parts.push(paragraph);
    }
    if (section % 2 === 1) {
      const [lang, code] = CODE[Math.floor(next() * CODE.length)] as readonly [string, string];
      parts.push(`\`\`\`${lang}\n${code}\n\`\`\``);
    }
    if (section % 3 === 0) parts.push(`![Figure ${section} of post ${index}](/images/figure-${section % 7}.png)`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** Writes `n` posts to a fresh folder and returns it; post `i` is `/post/post-<i>`, the newest is `post-<n>`. */
export function generateBigBlog(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'readcount-bigblog-'));
  for (let i = 1; i <= n; i += 1) {
    const next = random(i);
    const words = 1000 + Math.floor(next() * 2000);
    const tags = [TAGS[i % TAGS.length], TAGS[Math.floor(next() * TAGS.length)]].filter(
      (tag, at, all) => all.indexOf(tag) === at,
    );
    const date = new Date(Date.UTC(2005, 0, 1) + i * 6 * 3_600_000).toISOString().slice(0, 10);
    writeFileSync(
      join(dir, `post-${i}.md`),
      `---\ntitle: "Notes on ${WORDS[i % WORDS.length]} number ${i}"\ndate: ${date}\ntags: [${tags.join(', ')}]\n---\n\n${bigPostMarkdown(i, words)}`,
    );
  }
  return dir;
}
