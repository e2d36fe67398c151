// Screenshots of the default theme: a demo blog served by readcount, pages at 1280 and 375 px, light and dark, as PNGs.
// Run: npx tsx scripts/screenshots.ts [out-dir] [names]   (default docs/screenshots and every page, e.g. `stats,stats-post`;
// needs /usr/bin/chromium)
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, LAUNCH_ARGS } from '../test/helpers/browser.js';
import { writeDemoBlog } from '../test/helpers/demo-blog.js';
import { spawnServer } from '../test/helpers/spawn-server.js';

const PAGES = [
  { name: 'index', path: '/' },
  { name: 'post', path: '/post/everything' },
  { name: 'tags', path: '/tags' },
  { name: 'archive', path: '/archive' },
  { name: 'search', path: '/search?q=counter' },
  { name: 'stats', path: '/stats' },
  { name: 'stats-post', path: '/stats/everything' },
  { name: 'how-we-count', path: '/how-we-count' },
] as const;
/** Reads per post over the last 30 days (a few posts stay at zero, so the dashboard folds them away). */
const SEED: Record<string, number> = { everything: 42, short: 17, third: 9, 'tagged-0': 5, 'tagged-3': 2 };
const SOURCES = ['news.ycombinator.com', 'lobste.rs', 'direct', 'duckduckgo.com'];

/** A `readcount export` file with days, views, visible time, depth and sources, for `readcount import`. */
function seedExport(now = new Date()): string {
  const posts = Object.entries(SEED).map(([slug, perDay]) => {
    const days = Array.from({ length: 30 }, (_, i) => {
      const day = new Date(now.getTime() - (29 - i) * 86_400_000).toISOString().slice(0, 10);
      // A launch spike a week ago, then a slow tail, so the sparkline has a shape.
      const count = Math.max(0, Math.round(perDay * (i === 22 ? 4 : 0.4 + ((i * 7 + slug.length) % 5) / 5)));
      return { day, count };
    });
    const engagement = days.map(({ day, count }, i) => {
      const fields: Record<string, number> = { v: count * 2 + 3, t3: count + 1, t5: count, d9: count, d4: count + 2 };
      const source = SOURCES[(i + slug.length) % SOURCES.length] ?? 'direct';
      fields[`sv:${source}`] = count * 2 + 3;
      fields[`sr:${source}`] = count;
      return { day, fields };
    });
    return { slug, total: days.reduce((sum, { count }) => sum + count, 0), daily: days, engagement };
  });
  return JSON.stringify({ format: 'readcount-export', version: 1, exportedAt: now.toISOString(), posts });
}

const MAX_HEIGHT = 3000;
const WIDTHS = [1280, 375] as const;
const SCHEMES = ['light', 'dark'] as const;

interface Shot {
  readonly out: string;
  readonly name: string;
  readonly width: number;
  readonly scheme: (typeof SCHEMES)[number];
}

/** One page at one width in one scheme, as `<name>-<width>-<scheme>.png` (and `<name>-end-…` when it was cut). */
async function shoot(browser: Browser, url: string, { out, name, width, scheme }: Shot): Promise<void> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
  const tab = await context.newPage();
  await tab.goto(url, { waitUntil: 'networkidle' });
  // Diagrams are drawn after load; a page without one has nothing to wait for.
  await tab.waitForFunction(() =>
    [...document.querySelectorAll('.mermaid-diagram')].every((d) => d.querySelector('svg')),
  );
  // A full-page shot shows images below the fold, which lazy loading would leave blank.
  await tab.evaluate(async () => {
    for (const img of document.images) img.loading = 'eager';
    await Promise.all([...document.images].map((img) => img.decode().catch(() => undefined)));
    await document.fonts.ready;
  });
  // The whole page, but no taller than MAX_HEIGHT: the top of a long post says enough and keeps the PNG small.
  const height = await tab.evaluate(() => document.documentElement.scrollHeight);
  const clip = { x: 0, y: 0, width, height: Math.min(height, MAX_HEIGHT) };
  const file = join(out, `${name}-${width}-${scheme}.png`);
  await tab.screenshot({ path: file, fullPage: true, clip });
  console.log(`wrote ${file}`);
  if (height > MAX_HEIGHT) {
    // What the cap cut off (counter, previous/next, related posts, footer) gets its own viewport-high shot.
    const end = join(out, `${name}-end-${width}-${scheme}.png`);
    await tab.screenshot({ path: end, fullPage: true, clip: { ...clip, y: height - 900, height: 900 } });
    console.log(`wrote ${end}`);
  }
  await context.close();
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'docs/screenshots');
  const only = process.argv[3] ? new Set(process.argv[3].split(',')) : undefined;
  await mkdir(out, { recursive: true });
  const root = await mkdtemp(join(tmpdir(), 'readcount-shots-'));
  await writeDemoBlog(root);
  const env = {
    POSTS_DIR: join(root, 'posts'),
    STATIC_DIR: join(root, 'static'),
    DATA_DIR: join(root, 'data'),
    READCOUNT_CONFIG: join(root, 'readcount.yml'),
    GHOSTS: 'off',
  };
  // The dashboard and the counters get reads the way a blogger's history arrives: through `readcount import`.
  const seed = join(root, 'seed.json');
  await writeFile(seed, seedExport());
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', seed], {
    env: { ...process.env, ...env },
  });
  const server = await spawnServer(env);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    for (const page of PAGES) {
      if (only && !only.has(page.name)) continue;
      const status = (await fetch(server.base + page.path)).status;
      if (status !== 200) {
        console.log(`skipped ${page.path}: HTTP ${status} (not on this branch?)`);
        continue;
      }
      for (const width of WIDTHS)
        for (const scheme of SCHEMES) {
          await shoot(browser, server.base + page.path, { out, name: page.name, width, scheme });
        }
    }
  } finally {
    await browser.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
