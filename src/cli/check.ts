// `readcount check`: prints what `serve` would skip, rename or warn about in a content folder; exit 1 when a file is skipped.

import type { Command } from 'commander';
import { OPTIONS } from '../config.js';
import { checkContent, formatCheckReport } from '../posts/check.js';

export function registerCheckCommand(program: Command, defaultPostsDir: string): void {
  program
    .command('check')
    .description('Validate a content folder (posts, pages, images) without starting a server or touching data.')
    .option('--posts-dir <dir>', 'Folder of posts [env POSTS_DIR]', process.env.POSTS_DIR || defaultPostsDir)
    .option(
      '--static-dir <dir>',
      'Folder served at the site root [env STATIC_DIR]',
      process.env.STATIC_DIR || OPTIONS.staticDir.default,
    )
    .action(async (flags: { postsDir: string; staticDir: string }) => {
      try {
        const report = await checkContent(flags.postsDir, flags.staticDir);
        process.stdout.write(formatCheckReport(report, flags.postsDir, flags.staticDir));
        process.exitCode = report.lines.some((line) => line.kind === 'skipped') ? 1 : 0;
      } catch (error) {
        process.stderr.write(`readcount check: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      }
    });
}
