// @ts-check
/** The dashboard test drives Debian's Chromium through playwright-core; no browser is downloaded. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Installs Debian's chromium package when it is missing and we may (root with apt-get); returns
 * whether the browser is there afterwards.
 * @returns {boolean}
 */
function ensureChromium() {
  if (fs.existsSync(CHROMIUM_PATH)) return true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (!root || apt.status !== 0) {
    console.warn(`${CHROMIUM_PATH} is missing and cannot be installed here; browser tests will fail.`);
    return false;
  }
  console.log('Installing Debian chromium for the browser tests...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) return false;
  }
  return fs.existsSync(CHROMIUM_PATH);
}

module.exports = { CHROMIUM_PATH, ensureChromium };
