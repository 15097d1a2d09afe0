import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { makeTempDir } from '../temp-dirs.js';
import { waitUntil } from './browser.js';
import { electronBinary } from '../electron-harness/electron-binary.js';

/**
 * The real desktop app in the real Electron, driven by Playwright: launch on the built-in
 * simulator, the window shows the book, the kill switch halts trading, quit leaves no
 * process. It needs Electron's binary and better-sqlite3 built for it (`npm start` makes
 * both once); where either is missing it is skipped with the true reason — the same path
 * runs on the stand-in in test/unit/electron-startup.test.ts.
 */
const REPO = path.join(__dirname, '..', '..', '..');
const MAIN = path.join(__dirname, '..', '..', 'main', 'electron', 'main.js');

const installed = electronBinary();

function whyNot(): string | null {
  if ('missing' in installed) return installed.missing;
  const binary = installed.path;
  const probe = spawnSync(binary, ['-p', 'process.versions.modules'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000,
  });
  const abi = probe.stdout.trim();
  if (!existsSync(path.join(REPO, 'build', 'native', `electron-${abi}`, 'better_sqlite3.node')))
    return `better-sqlite3 has no build for Electron's ABI ${abi || '(unknown)'} in build/native; \`npm start\` makes it once`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); run under xvfb-run';
  return null;
}

const skip = whyNot();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test(
  'the Electron window shows the book, the kill switch halts trading, and quit leaves no process',
  { skip: skip ?? false },
  async (t) => {
    const dataDir = makeTempDir('lockstep-electron-e2e-');
    const app = await _electron.launch({
      executablePath: (installed as { path: string }).path,
      args: [MAIN, '--sim', '--data-dir', dataDir],
      env: { ...process.env, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    t.after(() => app.process().exitCode === null && app.process().kill('SIGKILL'));
    const page = await app.firstWindow();
    assert.equal(new URL(page.url()).origin, 'app://lockstep');

    const book = page.getByRole('table', { name: 'Order book' });
    await waitUntil(
      async () => (await book.getByRole('row').count()) > 4,
      'the order book to fill',
      60_000,
    );
    const killSwitch = page.getByRole('switch', { name: 'Kill switch' });
    assert.equal(await killSwitch.getAttribute('aria-checked'), 'false');
    await killSwitch.click();
    await waitUntil(
      async () => (await killSwitch.getAttribute('aria-checked')) === 'true',
      'the kill switch to show HALTED',
      30_000,
    );

    const log = readFileSync(path.join(dataDir, 'logs', 'lockstep.log'), 'utf8');
    const enginePid = Number(/"enginePid":(\d+)[^\n]*"msg":"engine ready"/.exec(log)?.[1]);
    assert.ok(enginePid > 0, 'the log names the engine process');
    const exited = new Promise<number | null>((resolve) =>
      app.process().once('exit', (code) => resolve(code)),
    );
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    assert.equal(await exited, 0);
    await waitUntil(() => !isAlive(enginePid), 'the engine process to be gone', 10_000);
  },
);
