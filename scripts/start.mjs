// `npm start`: install what is missing, build, start the app on the built-in simulated
// exchange — the Electron window where Electron's binary is present, otherwise the same
// UI served headless on 127.0.0.1 with its URL printed.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureInstalled } from './ensure-installed.mjs';

ensureInstalled();
const built = spawnSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const extraArgs = process.argv.slice(2);
const electron = process.env.LOCKSTEP_HEADLESS ? null : electronBinary();
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
