// `npm start`: install what is missing, build, start the app on the built-in simulated
// exchange — the Electron window where Electron's binary is present, otherwise the same
// UI served headless on 127.0.0.1 with its URL printed.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ensureInstalled } from './ensure-installed.mjs';
import { ensureNativeForElectron } from './native-abi.mjs';
import { desktopToolingProblem } from './node-support.mjs';

ensureInstalled();
const built = spawnSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// Electron ≥ 36 fetches its binary on first use. Try that once, quietly; where it cannot
// be fetched (no network, a server), say so in one line and serve the window headless.
function electronBinary({ fetch }) {
  const dir = join('node_modules', 'electron');
  const binary = () => {
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const full = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(full) ? resolve(full) : null;
  };
  if (!existsSync(dir)) return null;
  if (binary() === null && fetch) {
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
// Fetching Electron and building its native module run on this Node; the window itself
// does not. On a Node too old for that tooling, a window already set up still opens;
// otherwise one line says why and the UI is served headless.
const tooOld = desktopToolingProblem(process.versions.node);
let electron = process.env.LOCKSTEP_HEADLESS ? null : electronBinary({ fetch: !tooOld });
// The engine's SQLite module must match Electron's embedded Node: its own build, kept in
// build/native next to Node's (made once; node_modules is left alone).
if (electron !== null && !ensureNativeForElectron(electron, { build: !tooOld })) electron = null;
if (electron === null && tooOld && !process.env.LOCKSTEP_HEADLESS)
  console.error(`lockstep: ${tooOld}`);
const child = electron
  ? spawn(electron, ['.', '--sim', ...extraArgs], { stdio: 'inherit' })
  : (tooOld ||
      console.error(
        'lockstep: the Electron binary is not installed here; starting the headless UI instead ' +
          '(open the URL below in a browser).',
      ),
    spawn(process.execPath, ['dist/main/cli/index.js', 'headless', '--sim', ...extraArgs], {
      stdio: 'inherit',
    }));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
