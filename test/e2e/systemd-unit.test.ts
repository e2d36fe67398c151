// deploy/readcount.service passes `systemd-analyze verify` with no output at all (it only warns on unknown keys).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const UNIT = fileURLToPath(new URL('../../deploy/readcount.service', import.meta.url));
const run = promisify(execFile);

async function analyzer(): Promise<boolean> {
  try {
    await run('systemd-analyze', ['--version']);
    return true;
  } catch {
    return false;
  }
}

test('the unit verifies cleanly and scores as exposed as documented', async (t) => {
  if (!(await analyzer())) {
    if (process.env.CI === 'true') assert.fail('systemd-analyze is missing (apt-get install systemd)');
    t.skip('systemd-analyze is not installed (apt-get install systemd)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'readcount-unit-'));
  try {
    // verify checks that ExecStart's program exists: the copy points at a stand-in for the installed bin.
    const bin = join(dir, 'readcount');
    await writeFile(bin, '#!/bin/sh\n');
    await chmod(bin, 0o755);
    const unit = join(dir, 'readcount.service');
    const text = await readFile(UNIT, 'utf8');
    assert.match(text, /^ExecStart=\/usr\/local\/bin\/readcount serve$/m);
    await writeFile(unit, text.replace('/usr/local/bin/readcount', bin));
    const verified = await run('systemd-analyze', ['verify', unit]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    assert.equal(`${verified.stdout}${verified.stderr}`, '', 'systemd-analyze verify says nothing');

    const security = await run('systemd-analyze', ['security', '--offline=true', unit]).catch(
      (error: { stdout: string }) => error,
    );
    const score = /Overall exposure level for readcount\.service: ([\d.]+)/.exec(security.stdout)?.[1];
    assert.ok(score, 'systemd-analyze security prints a score');
    const documented = await readFile(fileURLToPath(new URL('../../docs/deploying.md', import.meta.url)), 'utf8');
    assert.ok(documented.includes(`exposure level ${score}`), `docs/deploying.md states the score ${score}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
