// Builds the responsive-image helper from the settings: sizes always, WebP variants unless IMAGE_VARIANTS=false.
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ResponsiveImages } from './responsive.js';
import { ImageVariants } from './variants.js';

type Log = (level: 'warn', message: string) => void;

export function createResponsiveImages(
  config: Pick<Config, 'staticDir' | 'dataDir' | 'imageVariants' | 'imageMaxPixels' | 'imageResizeConcurrency'>,
  bundleDir: (slug: string) => string | undefined,
  log: Log,
): ResponsiveImages {
  const variants = config.imageVariants
    ? new ImageVariants({
        dir: join(config.dataDir, 'images'),
        maxPixels: config.imageMaxPixels,
        concurrency: config.imageResizeConcurrency,
        onError: (file, error) => log('warn', `image variant not made for ${file}: ${(error as Error).message}`),
      })
    : undefined;
  return new ResponsiveImages({ staticDir: config.staticDir, bundleDir, ...(variants ? { variants } : {}) });
}
