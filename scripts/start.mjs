// `npm start`: install what is missing, build, start the app on the built-in simulated
// exchange — the Electron window where Electron's binary is present, otherwise the same
// UI served headless on 127.0.0.1 with its URL printed.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ensureInstalled } from './ensure-installed.mjs';
import { ensureNativeFor } from './native-abi.mjs';

ensureInstalled();
const built = spawnSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// Electron ≥ 36 fetches its binary on first use. Try that once, quietly; where it cannot
// be fetched (no network, a server), say so in one line and serve the window headless.
function electronBinary() {
  const dir = join('node_modules', 'electron');
  const binary = () => {
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const full = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(full) ? resolve(full) : null;
  };
  if (!existsSync(dir)) return null;
  if (binary() === null) {
    console.error('lockstep: fetching the Electron binary …');
    const fetched = spawnSync(process.execPath, [join(dir, 'install.js')], {
      stdio: 'pipe',
      timeout: 300_000,
    });
    if (fetched.status !== 0) {
      const reason =
        String(fetched.stderr ?? '')
          .split('\n')
          .find((line) => line.trim()) ?? 'unknown error';
      console.error(`lockstep: could not fetch Electron's binary (${reason.trim()}).`);
    }
  }
  return binary();
}

const extraArgs = process.argv.slice(2);
let electron = process.env.LOCKSTEP_HEADLESS ? null : electronBinary();
// The engine's SQLite module must match Electron's embedded Node before the window starts.
if (electron !== null && !ensureNativeFor('electron')) {
  console.error('lockstep: could not rebuild the native modules for Electron.');
  electron = null;
  ensureNativeFor('node');
}
const child = electron
  ? spawn(electron, ['.', '--sim', ...extraArgs], { stdio: 'inherit' })
  : (console.error(
      'lockstep: the Electron binary is not installed here; starting the headless UI instead ' +
        '(open the URL below in a browser).',
    ),
    spawn(process.execPath, ['dist/main/cli/index.js', 'headless', '--sim', ...extraArgs], {
      stdio: 'inherit',
    }));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
