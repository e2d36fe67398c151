// Screenshots of the default theme: a demo blog served by readcount, pages at 1280 and 375 px, light and dark, as PNGs.
// Run: npx tsx scripts/screenshots.ts [out-dir]   (default docs/screenshots; needs /usr/bin/chromium)
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
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
] as const;
const WIDTHS = [1280, 375] as const;
const SCHEMES = ['light', 'dark'] as const;

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'docs/screenshots');
  await mkdir(out, { recursive: true });
  const root = await mkdtemp(join(tmpdir(), 'readcount-shots-'));
  await writeDemoBlog(root);
  const server = await spawnServer({
    POSTS_DIR: join(root, 'posts'),
    STATIC_DIR: join(root, 'static'),
    DATA_DIR: join(root, 'data'),
    READCOUNT_CONFIG: join(root, 'readcount.yml'),
    GHOSTS: 'off',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    for (const page of PAGES) {
      const status = (await fetch(server.base + page.path)).status;
      if (status !== 200) {
        console.log(`skipped ${page.path}: HTTP ${status} (not on this branch?)`);
        continue;
      }
      for (const width of WIDTHS)
        for (const scheme of SCHEMES) {
          const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
          const tab = await context.newPage();
          await tab.goto(server.base + page.path, { waitUntil: 'networkidle' });
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
          const file = join(out, `${page.name}-${width}-${scheme}.png`);
          await tab.screenshot({ path: file, fullPage: true });
          console.log(`wrote ${file}`);
          await context.close();
        }
    }
  } finally {
    await browser.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
