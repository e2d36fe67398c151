// `readcount init [DIR]`: a new blog folder (commented readcount.yml, posts/ with one example post, static/).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SITE_FILE = `# readcount site file: the blog's identity, and any setting of \`readcount serve --help\` in lower snake case.
# Environment variables and serve flags override it. The site_* keys, nav and footer reload when you save.

site_title: My blog
site_description: Notes, written slowly.
# site_author: Your Name
site_language: en
# The public address. Set it in production: feeds, the sitemap and embeds take absolute URLs from it.
# site_url: https://blog.example

# Links in the header, and a footer line (Markdown).
# nav:
#   - { title: About, url: /about }
# footer: "© Your Name"

posts_dir: ./posts
static_dir: ./static
# Where the counts live (readcount.db and the signing key). Back it up with \`readcount backup FILE\`.
data_dir: ./data

# Bind to loopback when a reverse proxy (Caddy, nginx) on this machine faces the internet; the default is every interface.
# host: 127.0.0.1
# port: 4000
# trust_proxy: 1

# unique-daily: a visitor counts once per post per day; every-read: every read counts.
# count_mode: unique-daily
`;

const today = () => new Date().toISOString().slice(0, 10);

const EXAMPLE_POST = () => `---
title: "Hello, readers"
date: ${today()}
tags: [meta]
---

This is the first post. Every Markdown file in \`posts/\` is a post; its file name is its address
(\`/post/hello-readers\`). Edit this one or add another: the server picks up changes while it runs.

Below the post, "Total readers" counts the people who stayed on the page long enough to read it, and goes up live
on every open copy of the page.
`;

/** Writes only files that do not exist yet, and says which it wrote and which it left alone. */
export function init(dir: string): string {
  const root = resolve(dir);
  const files: [string, string][] = [
    ['readcount.yml', SITE_FILE],
    [join('posts', 'hello-readers.md'), EXAMPLE_POST()],
  ];
  const lines: string[] = [];
  // Served at the site root (static/images/a.png is /images/a.png); left empty so nothing unasked-for is public.
  mkdirSync(join(root, 'static'), { recursive: true });
  for (const [name, text] of files) {
    const path = join(root, name);
    mkdirSync(join(path, '..'), { recursive: true });
    if (existsSync(path)) {
      lines.push(`kept     ${path} (already there)`);
      continue;
    }
    writeFileSync(path, text, { flag: 'wx' });
    lines.push(`wrote    ${path}`);
  }
  const cd = root === process.cwd() ? '' : `cd ${dir} && `;
  lines.push(`next: ${cd}readcount serve   (then open http://localhost:4000/)`);
  return `${lines.join('\n')}\n`;
}
