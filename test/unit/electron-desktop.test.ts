import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../main/engine/persistence/schema.js';
import { SingleInstanceLock, type FakeElectron } from '../electron-harness/fake-electron.js';
import { clickMenu, isAlive, rendererOf, tempDir, waitFor } from '../electron-harness/harness.js';
import { launchMain } from '../electron-harness/launch-main.js';
import {
  DEFAULT_WINDOW_BOUNDS,
  fitOnScreen,
  parseWindowBounds,
} from '../../main/host/window-bounds.js';

/**
 * What a trader expects of a desktop app, on the stand-in 'electron' with the real engine:
 * one instance, the window where it was left, a question before quitting with open
 * positions, an About with versions.
 */

async function startApp(
  dataDir: string,
  lock: SingleInstanceLock,
): Promise<{ electron: FakeElectron; kill: () => void }> {
  const electron = launchMain(['--sim', '--data-dir', dataDir], {
    userData: path.join(dataDir, 'unused'),
    lock,
  });
  electron.emitReady();
  await waitFor('the engine running', () =>
    electron.windows[0]?.pageResponse ? electron.forked.length === 1 : false,
  );
  const renderer = rendererOf(electron, electron.windows[0]!);
  await waitFor('a first state', () => renderer.states.some((s) => s.engineRunning));
  return {
    electron,
    kill: () => {
      for (const forked of electron.forked)
        if (forked.child.exitCode === null) forked.child.kill('SIGKILL');
    },
  };
}

test('a second launch quits at once and focuses the first window', async (t) => {
  const data = tempDir('lockstep-electron-single-');
  const lock = new SingleInstanceLock();
  const first = await startApp(data.dir, lock);
  t.after(() => {
    first.kill();
    data.remove();
  });
  const win = first.electron.windows[0]!;
  win.minimize();
  win.focused = false;

  const second = launchMain(['--sim', '--data-dir', data.dir], {
    userData: path.join(data.dir, 'unused'),
    lock,
  });
  assert.deepEqual(
    second.calls.map((c) => c.api),
    ['app.requestSingleInstanceLock', 'app.quit'],
    'the second instance does nothing else',
  );
  assert.equal(await second.exited, 0);
  assert.equal(win.isMinimized(), false, 'the first window was restored');
  assert.equal(win.focused, true, 'and focused');

  clickMenu(first.electron, 'quit');
  assert.equal(await first.electron.exited, 0);
});

test('the window comes back where it was left, and on screen when that monitor is gone', async (t) => {
  const data = tempDir('lockstep-electron-bounds-');
  t.after(() => data.remove());
  writeFileSync(
    path.join(data.dir, 'window-state.json'),
    JSON.stringify({ x: 120, y: 80, width: 1300, height: 900, maximized: true }),
  );
  const app = await startApp(data.dir, new SingleInstanceLock());
  t.after(app.kill);
  const win = app.electron.windows[0]!;
  assert.deepEqual(
    [win.options.x, win.options.y, win.options.width, win.options.height],
    [120, 80, 1300, 900],
  );
  assert.equal(win.isMaximized(), true);
  win.setBounds({ x: 300, y: 200, width: 1200, height: 800 });
  clickMenu(app.electron, 'quit');
  await app.electron.exited;
  assert.deepEqual(
    parseWindowBounds(
      readFileSync(path.join(data.dir, 'window-state.json'), 'utf8'),
      'window-state.json',
    ),
    { x: 300, y: 200, width: 1200, height: 800, maximized: true },
  );

  const workArea = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  assert.deepEqual(
    fitOnScreen({ x: 2500, y: 100, width: 1200, height: 800, maximized: false }, workArea),
    { width: 1200, height: 800, maximized: false },
    'a window saved on an unplugged monitor is centred on one that exists',
  );
  assert.deepEqual(
    fitOnScreen({ x: 10, y: 10, width: 5000, height: 3000, maximized: false }, workArea),
    { x: 10, y: 10, width: 1920, height: 1040, maximized: false },
  );
  assert.throws(
    () => parseWindowBounds('{"x":1,"y":2,"width":"wide","height":3,"maximized":false}', 'w.json'),
    /^Error: w\.json: "width" must be a whole number$/,
  );
  assert.equal(DEFAULT_WINDOW_BOUNDS.width, 1600);
});

test('a damaged window-state.json opens the default window and says why in the log', async (t) => {
  const data = tempDir('lockstep-electron-bounds-bad-');
  t.after(() => data.remove());
  writeFileSync(path.join(data.dir, 'window-state.json'), '{ not json');
  const app = await startApp(data.dir, new SingleInstanceLock());
  t.after(app.kill);
  assert.equal(app.electron.windows[0]!.options.width, DEFAULT_WINDOW_BOUNDS.width);
  clickMenu(app.electron, 'quit');
  await app.electron.exited;
  const log = readFileSync(path.join(data.dir, 'logs', 'lockstep.log'), 'utf8');
  assert.match(log, /window-state\.json: not JSON; the window opens at its default size/);
});

test('quitting with an open position asks; Cancel keeps the app and engine running, Quit stops them', async (t) => {
  const data = tempDir('lockstep-electron-positions-');
  t.after(() => data.remove());
  // A position the engine restores from its database at start.
  const db = openDatabase(path.join(data.dir, 'lockstep.sqlite'));
  db.prepare(
    'INSERT INTO positions (strategy_id, symbol, quantity, cost_basis, realized_pnl) VALUES (?, ?, ?, ?, ?)',
  ).run('imbalance_v1', 'BTCUSDT', 0.5, 30000, 0);
  db.close();
  const app = await startApp(data.dir, new SingleInstanceLock());
  t.after(app.kill);
  const { electron } = app;
  const renderer = rendererOf(electron, electron.windows[0]!);
  await waitFor('the restored position in the state', () =>
    renderer.states.some((s) =>
      s.positions.some((p) => p.symbol === 'BTCUSDT' && Number(p.qty) === 0.5),
    ),
  );

  electron.dialogAnswers.push(1); // Cancel
  electron.windows[0]!.close();
  await waitFor('the question', () => electron.messageBoxes.length === 1);
  const asked = electron.messageBoxes[0]!;
  assert.match(String(asked.message), /open positions: BTCUSDT 0\.5/);
  assert.deepEqual(asked.buttons, ['Quit', 'Cancel']);
  assert.equal(asked.cancelId, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(electron.exitCode, null, 'still running after Cancel');
  assert.equal(electron.windows.length, 1, 'the window stayed');
  const pid = electron.forked[0]!.child.pid!;
  assert.equal(isAlive(pid), true, 'the engine kept running');

  electron.dialogAnswers.push(0); // Quit
  clickMenu(electron, 'quit');
  assert.equal(await electron.exited, 0);
  assert.equal(electron.messageBoxes.length, 2);
  assert.equal(await electron.forked[0]!.exited, 0);
  assert.equal(isAlive(pid), false);
});

test('About shows the versions a bug report needs', async (t) => {
  const data = tempDir('lockstep-electron-about-');
  t.after(() => data.remove());
  const app = await startApp(data.dir, new SingleInstanceLock());
  t.after(app.kill);
  app.electron.dialogAnswers.push(0);
  clickMenu(app.electron, 'about');
  const about = app.electron.messageBoxes[0]!;
  assert.equal(about.title, 'About Lockstep');
  for (const part of [/Lockstep 0\.1\.0-test/, /Electron /, /Chromium /, /Node v?\d+\./, /V8 /])
    assert.match(String(about.detail), part);
  clickMenu(app.electron, 'quit');
  await app.electron.exited;
});

test('a bad config stops the start with one error box naming the key, and leaves no process', async (t) => {
  const data = tempDir('lockstep-electron-bad-config-');
  t.after(() => data.remove());
  writeFileSync(
    path.join(data.dir, 'lockstep.toml'),
    '[strategy.params]\nimbalance_threshold = 5\n',
  );
  const electron = launchMain(['--sim', '--data-dir', data.dir], {
    userData: path.join(data.dir, 'unused'),
    lock: new SingleInstanceLock(),
  });
  electron.emitReady();
  assert.equal(await electron.exited, 0);
  assert.equal(electron.errorBoxes.length, 1);
  const [box] = electron.errorBoxes;
  assert.equal(box!.title, 'Lockstep could not start');
  assert.match(box!.content, /imbalance_threshold/);
  t.diagnostic(`error box: ${box!.content}`);
  assert.doesNotMatch(box!.content, /\n\s+at\s/, 'a sentence, not a stack trace');
  for (const forked of electron.forked) assert.notEqual(await forked.exited, null);
  assert.equal(electron.windows.length, 0);
});

test('--self-test (the packaging check) prints one line and quits cleanly', async (t) => {
  const data = tempDir('lockstep-electron-self-test-');
  t.after(() => data.remove());
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(' '));
  try {
    const electron = launchMain(['--sim', '--self-test', '--data-dir', data.dir], {
      userData: path.join(data.dir, 'unused'),
      lock: new SingleInstanceLock(),
    });
    electron.emitReady();
    assert.equal(await electron.exited, 0);
    for (const forked of electron.forked) assert.equal(await forked.exited, 0);
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, ['lockstep self-test: preload ok, engine running']);
});
