// Debian's Chromium for browser tests: one launch recipe, and one rule for when it is missing (skip locally, fail in CI).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags this machine needs: no sandbox as root, and no background calls to a network that is closed. */
export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let reported = false;

/** `undefined` when Chromium is installed; otherwise the reason to skip, printed once. Under CI=true a missing browser fails. */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} not found`;
  if (process.env.CI === 'true')
    throw new Error(`${reason}; CI must run the browser tests (.ci/run installs chromium)`);
  if (!reported) console.log(`# browser tests skipped: ${reason} (apt-get install chromium to run them)`);
  reported = true;
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}
