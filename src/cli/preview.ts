// `readcount preview FILE`: prints the secret link that shows a draft or scheduled post before it is published.
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { type Config, readConfig } from '../config.js';
import { isPostProblem, parsePostFile } from '../posts/parse.js';
import { loadSecretKey, prepareDataDir } from '../store/data-dir.js';
import { PreviewKeys } from '../web/preview-keys.js';

/** The key `serve` signs with: SECRET_KEY, the one shared in Redis, or DATA_DIR/secret.key. */
async function siteSecret(config: Config): Promise<string> {
  if (config.secretKey) return config.secretKey;
  if (config.redisUrl) {
    const { closeRedis, connectRedis } = await import('../redis/connection.js');
    const { sharedSecretKey } = await import('../counting/redis-salts.js');
    const client = await connectRedis(config.redisUrl, { name: 'readcount-preview' });
    try {
      return await sharedSecretKey(client, config.redisPrefix);
    } finally {
      await closeRedis(client);
    }
  }
  prepareDataDir(config.dataDir);
  return loadSecretKey(config);
}

export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('Print the secret link to a draft or scheduled post (served with noindex, never counted).')
    .argument('<file>', 'The post file (or a bundle folder’s index.md)')
    .option('--config <file>', 'Site file to read settings from [env READCOUNT_CONFIG, default ./readcount.yml]')
    .action(async (file: string, flags: { config?: string }) => {
      let source: string;
      try {
        source = await readFile(file, 'utf8');
      } catch (error) {
        process.stderr.write(`readcount preview: cannot read ${file} (${(error as NodeJS.ErrnoException).code})\n`);
        process.exitCode = 1;
        return;
      }
      const bundleDir = basename(file) === 'index.md' ? dirname(file) : undefined;
      const post = parsePostFile(file, source, bundleDir ? { bundleDir } : {});
      if (isPostProblem(post)) {
        process.stderr.write(`readcount preview: ${file}: ${post.reason}\n`);
        process.exitCode = 1;
        return;
      }
      const config = readConfig(process.env, flags.config ? { config: flags.config } : {});
      const keys = new PreviewKeys(await siteSecret(config));
      const base = config.siteUrl ?? `http://localhost:${config.port}`;
      process.stdout.write(`${base}${keys.path(post.slug)}\n`);
      if (!post.draft && post.date.getTime() <= Date.now())
        process.stderr.write(
          `note: ${file} is published (at /post/${post.slug}); its preview link only works while it is a draft or scheduled\n`,
        );
    });
}
