// Installs dependencies when node_modules is missing or older than package-lock.json.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { installEnv } from './env.mjs';
import { ensureNativeFor } from './native-abi.mjs';

export function ensureInstalled({ quiet = false } = {}) {
  const marker = 'node_modules/.package-lock.json';
  const fresh =
    existsSync(marker) &&
    (!existsSync('package-lock.json') ||
      statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs);
  if (fresh) {
    // Tests, the CLI and headless run on plain Node: undo a build for Electron's ABI.
    if (!ensureNativeFor('node')) {
      console.error(
        'lockstep: could not rebuild better-sqlite3 for Node; run `npm rebuild better-sqlite3`.',
      );
      process.exit(1);
    }
    return;
  }
  const command = existsSync('package-lock.json') ? 'ci' : 'install';
  if (!quiet) console.error(`lockstep: installing dependencies (npm ${command}) …`);
  // First try with Electron's binary (users want the desktop window); where it cannot be
  // downloaded, install without it and the app runs headless.
  let result = spawnSync('npm', [command], { stdio: 'inherit', env: installEnv });
  if (result.status !== 0) {
    console.error('lockstep: retrying without the Electron binary (headless mode will be used) …');
    result = spawnSync('npm', [command], {
      stdio: 'inherit',
      env: { ...installEnv, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
  }
  if (result.status !== 0) {
    console.error('lockstep: npm could not install the dependencies; see the messages above.');
    process.exit(result.status ?? 1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureInstalled();
