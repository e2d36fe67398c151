// `readcount check`'s media links: the images and media a post names, and whether each file is where it points.

import { statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Post } from './post.js';
import { bundleBase, resolveMedia } from './sanitize.js';

const tokenizer = new MarkdownIt({ html: true });
const MEDIA_TAG = /<(?:img|video|audio|source|track)\b[^>]*>/gi;
const MEDIA_ATTR = /\s(?:src|poster)\s*=\s*["']?([^"'\s>]+)/gi;

/** Image and media URLs of a post: markdown images, raw HTML `src`/`poster`, and the front matter image. */
export function mediaUrls(post: Post): string[] {
  const urls: string[] = post.image === undefined ? [] : [post.image];
  const walk = (tokens: ReturnType<MarkdownIt['parse']>) => {
    for (const token of tokens) {
      if (token.type === 'image') urls.push(token.attrGet('src') ?? '');
      if (token.type === 'html_block' || token.type === 'html_inline') {
        for (const [tag] of token.content.matchAll(MEDIA_TAG)) {
          for (const match of tag.matchAll(MEDIA_ATTR)) urls.push(match[1] ?? '');
        }
      }
      if (token.children) walk(token.children);
    }
  };
  // Blocks first, for the whole post; the inline parser (most of markdown-it's cost) only runs on text that could
  // hold an image or a tag. Reference definitions land in env during the block pass, so `![x][ref]` still resolves.
  const env = {};
  const blocks: ReturnType<MarkdownIt['parse']> = [];
  const markdown = post.markdown.includes('\r') ? post.markdown.replace(/\r\n?/g, '\n') : post.markdown;
  tokenizer.block.parse(markdown, tokenizer, env, blocks);
  for (const token of blocks) {
    if (token.type === 'inline') {
      if (token.content.includes('![') || token.content.includes('<')) walk(tokenizer.parseInline(token.content, env));
    } else walk([token]);
  }
  return urls.filter((url) => url !== '');
}

/** Why a local link finds no file (missing, or leaving its folder); undefined when it does, or is not local. */
export function checkMediaUrl(url: string, post: Post, staticRoot: string, staticDir: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('#')) return undefined;
  // The file is what matters: `x.png#frag` and `x.png?v=2` are x.png.
  const written = url.split(/[?#]/)[0] ?? '';
  const base = post.bundleDir === undefined ? undefined : bundleBase(post.slug);
  const folder = post.bundleDir === undefined ? undefined : basename(post.bundleDir);
  const path = safeDecode(resolveMedia(written, base, folder));
  if (post.bundleDir !== undefined && base !== undefined && path.startsWith(base)) {
    const target = resolve(post.bundleDir, path.slice(base.length));
    if (!isInside(target, post.bundleDir)) return `image link ${written} leaves the bundle folder`;
    return isFile(target)
      ? undefined
      : `missing file ${written} (not in the bundle folder ${basename(post.bundleDir)}/)`;
  }
  const target = join(staticRoot, path);
  if (!isInside(target, staticRoot)) return `image link ${written} leaves the static folder`;
  if (isFile(target)) return undefined;
  const where = path === written ? '' : `looked for ${path}, `;
  return `missing file ${written} (${where}not in the static folder ${staticDir})`;
}

function isInside(target: string, folder: string): boolean {
  const inside = relative(resolve(folder), target);
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) && dirname(target) !== target;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
