import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's headless Chromium for the browser tests (never a browser download), started with the flags this closed
 * network needs. Browser tests are skipped only when /usr/bin/chromium is absent and either CHROMIUM_UNAVAILABLE is
 * set (.ci/run sets it, with a warning, only when Debian's chromium package could not be installed) or the run is
 * not CI; in CI a missing Chromium fails the test with a clear message.
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when the browser tests may be skipped: no Chromium, and it is allowed to be missing here. */
export const skipWithoutChromium =
  !existsSync(CHROMIUM) && (process.env.CHROMIUM_UNAVAILABLE === 'true' || process.env.CI !== 'true');

/**
 * Launch headless Chromium.
 * @throws {Error} when Chromium is missing although the run requires it
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `CI=true but ${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) so the HTML report is tested in a browser`,
    );
  }
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
