import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Debian's Chromium for looking at report.html the way a person would. Installed with apt when missing and we are
 * root; otherwise the reason it is unavailable, so the test can skip saying why.
 */
export function findOrInstallChromium(): { path: string } | { reason: string } {
  const found = () => CANDIDATES.find(existsSync);
  let path = found();
  if (path) return { path };
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { reason: 'Chromium is not installed and this user cannot install it (not root)' };
  try {
    process.stderr.write('[llm-budget-bench] installing Debian chromium for the report test (apt-get)\n');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (e) {
    return { reason: `Chromium is not installed and apt-get could not install it: ${(e as Error).message.split('\n')[0]}` };
  }
  path = found();
  return path ? { path } : { reason: 'apt-get ran but no chromium binary appeared' };
}

/** Flags for a headless Chromium on a machine without network: no background traffic, no sandbox as root. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
