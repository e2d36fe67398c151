// A demo blog that uses everything the theme styles: code, math, mermaid, a wide photo, a quote, a table, tags, a TOC.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const post = (front: string, body: string) => `---\n${front}\n---\n\n${body}\n`;

/** A 2,266 × 1,275 PNG (the example width): real pixels, so variants are real resizes. */
export async function widePng(width = 2266, height = 1275): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1b4965"/><stop offset="1" stop-color="#f4a261"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<circle cx="${width * 0.72}" cy="${height * 0.3}" r="${height * 0.14}" fill="#ffe8a3"/>
<path d="M0 ${height * 0.8} L${width * 0.3} ${height * 0.45} L${width * 0.55} ${height * 0.75} L${width * 0.8} ${height * 0.5} L${width} ${height * 0.8} V${height} H0 Z" fill="#243b2f"/>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const LONG_POST = `Server-side math, diagrams and code, all on one page.

[[toc]]

## Why a counter

Counting readers honestly means waiting until a page has been **visible** for a while. The rate is
$r = \\frac{n}{t}$ readers per second, and a thin space stays thin: $10\\,\\mathrm{s}$.

> A blog is a conversation with the future. Counting who listened is only fair.
>
> — someone, probably

## The maths

The expected number of reads after $t$ seconds:

$$
E[N(t)] = \\int_0^t \\lambda(s)\\,ds
$$

\`\`\`math
\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}
\`\`\`

## A diagram

\`\`\`mermaid
graph LR
  Browser -->|join| Channel
  Channel -->|10 s visible| Counter
  Counter --> SQLite
\`\`\`

## Code

\`\`\`ts
// Counts a read once the page was visible long enough.
export function counted(visibleMs: number, afterMs = 10_000): boolean {
  return visibleMs >= afterMs;
}
\`\`\`

\`\`\`sh
curl -s http://localhost:4000/api/posts | jq '.posts[0]'
\`\`\`

### A table

| Store  | Crash-safe | Shared |
|--------|:----------:|-------:|
| SQLite | yes        | no     |
| Redis  | yes        | yes    |

## A photo

<figure>
<img src="/images/valley.png" alt="A valley at dusk under an orange sky">
<figcaption>A valley at dusk: the original is 2,266 px wide; phones get a 480-px WebP.</figcaption>
</figure>

![A second look at the valley](/images/valley.png)

Footnotes work too.[^1]

[^1]: As they always did.
`;

export async function writeDemoBlog(root: string): Promise<void> {
  const posts = join(root, 'posts');
  await mkdir(posts, { recursive: true });
  await mkdir(join(root, 'static', 'images'), { recursive: true });
  await writeFile(join(root, 'static', 'images', 'valley.png'), await widePng());
  await writeFile(
    join(posts, 'everything.md'),
    post(
      'title: Everything a post can hold, on one page\ndate: 2024-05-02\ntags: [maths, diagrams, code]\ndescription: Math, a diagram, code, a table, a quote and a photo.',
      LONG_POST,
    ),
  );
  await writeFile(
    join(posts, 'short.md'),
    post(
      'title: A short note\ndate: 2024-04-20\ntags: [notes]\ntoc: true',
      '## First\n\nA note with a table of contents from front matter.\n\n## Second\n\nAnd `inline code`.',
    ),
  );
  await writeFile(
    join(posts, 'newer.md'),
    post(
      'title: What the counter leaves out\ndate: 2024-06-10\ntags: [notes, code]',
      'Bots, prefetches and tabs left in the background: none of them is a reader.',
    ),
  );
  await writeFile(
    join(posts, 'third.md'),
    post('title: Notes on honest numbers\ndate: 2024-03-11\ntags: [notes, code]', 'Plain words, no extras.'),
  );
  for (const [index, tag] of ['web', 'rust', 'elixir', 'sqlite', 'redis', 'design'].entries())
    await writeFile(
      join(posts, `tagged-${index}.md`),
      post(`title: On ${tag}\ndate: 2023-0${index + 1}-05\ntags: [${tag}, notes]`, `Something about ${tag}.`),
    );
  await writeFile(
    join(root, 'readcount.yml'),
    [
      'site_title: Field Notes',
      'site_description: Small essays on counting, caching and care.',
      'site_author: Ada Example',
      'nav:',
      '  - { title: Archive, url: /archive }',
      '  - { title: Tags, url: /tags }',
      '  - { title: About, url: /how-we-count }',
      'footer: "Written by Ada Example. Text under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)."',
      '',
    ].join('\n'),
  );
}
