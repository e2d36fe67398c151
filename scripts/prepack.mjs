// `npm pack` / `npm publish`: compiles dist/ and ships the lockfile as npm-shrinkwrap.json, so an install gets the tested versions.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';

// `postpack` passes --after: the shrinkwrap exists only inside the tarball; package-lock.json stays the one lockfile in git.
if (process.argv.includes('--after')) {
  rmSync('npm-shrinkwrap.json', { force: true });
  process.exit(0);
}
const tsc = 'node_modules/typescript/bin/tsc';
if (!existsSync(tsc)) {
  process.stderr.write('readcount prepack: TypeScript is not installed; run `npm ci` first, then `npm pack`\n');
  process.exit(1);
}
// A stale file of a moved or deleted module would otherwise be packed beside the fresh build.
rmSync('dist', { recursive: true, force: true });
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
copyFileSync('package-lock.json', 'npm-shrinkwrap.json');
