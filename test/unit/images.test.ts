// Responsive images without a server: sizes from real files, which images get variants, and sharp's resizes bounded.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { imageFacts } from '../../src/images/dimensions.js';
import { ResponsiveImages, VARIANT_WIDTHS } from '../../src/images/responsive.js';
import { ImageVariants } from '../../src/images/variants.js';
import { widePng } from '../helpers/demo-blog.js';

describe('responsive images', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readcount-images-'));
    await mkdir(join(dir, 'bundle'));
    await writeFile(join(dir, 'wide.png'), await widePng(2000, 1000));
    await writeFile(
      join(dir, 'bundle', 'photo.jpg'),
      await sharp(await widePng(1000, 800))
        .jpeg()
        .toBuffer(),
    );
    await writeFile(join(dir, 'fake.png'), 'not an image at all');
    await writeFile(
      join(dir, 'anim.gif'),
      await sharp(await widePng(900, 300))
        .gif()
        .toBuffer(),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('sizes come from the file header; a file that is not an image gives none, and nothing throws', () => {
    assert.deepEqual(
      { ...imageFacts(join(dir, 'wide.png')), version: undefined },
      { width: 2000, height: 1000, type: 'png', version: undefined },
    );
    assert.equal(imageFacts(join(dir, 'fake.png')), undefined);
    assert.equal(imageFacts(join(dir, 'missing.png')), undefined);
    assert.equal(imageFacts(dir), undefined, 'a folder');
  });

  test('site and bundle URLs resolve to their files; URLs that could leave the folder resolve to nothing', () => {
    const images = new ResponsiveImages({
      staticDir: dir,
      bundleDir: (slug) => (slug === 'trip' ? join(dir, 'bundle') : undefined),
    });
    assert.equal(images.source('/wide.png')?.file, join(dir, 'wide.png'));
    assert.equal(images.source('/post/trip/photo.jpg')?.facts.type, 'jpg');
    for (const url of [
      '/../etc/passwd',
      '/%2e%2e/wide.png',
      '/a/..%2fwide.png',
      '//evil/wide.png',
      '/wide.png?x=1',
      'wide.png',
      '/.hidden.png',
    ])
      assert.equal(images.source(url), undefined, url);
  });

  test('variants only for wide rasters within IMAGE_MAX_PIXELS: not for GIF, not for a too-large original', () => {
    const variants = new ImageVariants({ dir: join(dir, 'cache-a'), maxPixels: 1_500_000, concurrency: 1 });
    const images = new ResponsiveImages({ staticDir: dir, bundleDir: () => join(dir, 'bundle'), variants });
    const wide = images.source('/wide.png');
    const photo = images.source('/post/any/photo.jpg');
    const gif = images.source('/anim.gif');
    assert.ok(wide && photo && gif);
    assert.equal(images.hasVariant(wide, 480), false, '2,000,000 pixels is over the limit');
    assert.deepEqual(
      VARIANT_WIDTHS.filter((w) => images.hasVariant(photo, w)),
      [480, 800],
    );
    assert.equal(images.hasVariant(photo, 500), false, 'only listed widths');
    assert.equal(images.hasVariant(gif, 480), false);
  });

  test('each variant is made once, even when asked for at the same time, and found on disk after a restart', async () => {
    const cache = join(dir, 'cache-b');
    const variants = new ImageVariants({ dir: cache, maxPixels: 10_000_000, concurrency: 1 });
    const images = new ResponsiveImages({ staticDir: dir, bundleDir: () => undefined, variants });
    const wide = images.source('/wide.png');
    assert.ok(wide);
    const asked = [480, 480, 800, 1200, 1600, 800].map((w) => images.variant(wide, w));
    const files = await Promise.all(asked);
    assert.equal(files[0], files[1]);
    assert.equal(variants.made, 4);
    assert.equal((await readdir(cache)).length, 4, 'no partial file is left behind');
    for (const [index, width] of [480, 800, 1200, 1600].entries()) {
      const meta = await sharp(files[[0, 2, 3, 4][index] ?? 0]).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', width, width / 2]);
    }
    await images.variant(wide, 480);
    assert.equal(variants.made, 4, 'found in the cache folder');
    const again = new ImageVariants({ dir: cache, maxPixels: 10_000_000, concurrency: 1 });
    await new ResponsiveImages({ staticDir: dir, bundleDir: () => undefined, variants: again }).variant(wide, 800);
    assert.equal(again.made, 0, 'a restart finds the variants on disk');
  });

  test('a resize that fails rejects and leaves nothing in the cache', async () => {
    const cache = join(dir, 'cache-c');
    const variants = new ImageVariants({ dir: cache, maxPixels: 10_000_000, concurrency: 1 });
    const facts = { width: 3000, height: 2000, type: 'png', version: '1-1' };
    await assert.rejects(variants.file({ file: join(dir, 'fake.png'), facts }, 480));
    assert.deepEqual(await readdir(cache), []);
  });
});
