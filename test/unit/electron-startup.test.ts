import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  findMenuItem,
  SingleInstanceLock,
  type FakeElectron,
} from '../electron-harness/fake-electron.js';
import {
  callIndex,
  clickMenu,
  isAlive,
  rendererOf,
  tempDir,
  waitFor,
  type Renderer,
} from '../electron-harness/harness.js';
import { launchMain } from '../electron-harness/launch-main.js';
import { IPC_OPEN_RECORDING_CHANNEL } from '../../main/host/ipc-bridge.js';
import { openDatabase } from '../../main/engine/persistence/schema.js';

/**
 * The desktop app's whole startup, run in plain Node: the compiled main.js with a stand-in
 * 'electron' (test/electron-harness), the real engine in a real child process as its
 * utility process, on the built-in simulator. From app ready to the book in the window,
 * commands from the page and the menu, a crash, and a clean quit.
 */

/** `app.on(ready)`-style names for the diagnostic list of calls. */
function describeCalls(calls: FakeElectron['calls']): string {
  return calls
    .map((call) =>
      /\.(on|once)$/.test(call.api) ||
      call.api === 'protocol.handle' ||
      call.api === 'ipcMain.handle'
        ? `${call.api}(${String(call.args[0])})`
        : call.api,
    )
    .join(' → ');
}

const REPO = path.join(__dirname, '..', '..', '..');
const CHATTER = path.join(__dirname, '..', 'electron-harness', 'engine-chatter.js');

/** The first few calls of one startup, each named once, in the order they must happen. */
const STARTUP_ORDER = [
  'app.requestSingleInstanceLock',
  'protocol.registerSchemesAsPrivileged',
  'app.enableSandbox',
  'app.whenReady',
  'session.defaultSession.setPermissionRequestHandler',
  'protocol.handle',
  'Menu.setApplicationMenu',
  'new BrowserWindow',
  'ipcMain.handle',
  'BrowserWindow.loadURL',
  'contextBridge.exposeInMainWorld',
  'utilityProcess.fork',
];

test('the desktop app, end to end on the stand-in: ready → window → engine → commands → crash → quit', async (t) => {
  const data = tempDir('lockstep-electron-startup-');
  const savedNodeOptions = process.env.NODE_OPTIONS;
  // The engine process inherits this: it prints one line on stdout and one on stderr.
  process.env.NODE_OPTIONS = `--require ${CHATTER}`;
  let electron: FakeElectron | null = null;
  t.after(() => {
    if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = savedNodeOptions;
    for (const forked of electron?.forked ?? [])
      if (forked.child.exitCode === null) forked.child.kill('SIGKILL');
    data.remove();
  });

  electron = launchMain(['--sim', '--data-dir', data.dir], {
    userData: path.join(data.dir, 'user-data-unused'),
    lock: new SingleInstanceLock(),
  });
  assert.equal(electron.windows.length, 0, 'nothing is created before ready');
  electron.emitReady();

  const win = await waitFor(
    'the window to load',
    () => electron!.windows[0]?.pageResponse && electron!.windows[0],
  );
  const renderer: Renderer = rendererOf(electron, win);
  await waitFor('the engine to be forked', () => electron!.forked.length === 1);

  await t.test('the calls happen in the documented order', () => {
    let last = -1;
    for (const api of STARTUP_ORDER) {
      const at = callIndex(electron!, api);
      assert.ok(at > last, `${api} (at ${at}) comes after the previous step (at ${last})`);
      last = at;
    }
    t.diagnostic(`electron calls in one startup: ${describeCalls(electron!.calls)}`);
  });

  await t.test(
    'the window opens hidden, shows when ready, and loads app://lockstep/index.html',
    () => {
      assert.equal(win.options.show, false);
      assert.equal(win.visible, true, 'ready-to-show showed it');
      assert.equal(win.contents.url, 'app://lockstep/index.html');
      assert.equal(win.pageResponse?.headers.get('content-type'), 'text/html; charset=utf-8');
    },
  );

  await t.test('the engine runs as a utility process, its output piped', () => {
    assert.equal(electron!.forked.length, 1);
    const [fork] = electron!.forked;
    assert.match(fork!.modulePath, /engine[\\/]process[\\/]engine-main\.js$/);
    assert.equal(fork!.options.stdio, 'pipe');
    assert.equal(fork!.options.serviceName, 'Lockstep engine');
  });

  await t.test('book state from the real engine arrives in the page', async () => {
    const state = await waitFor('a synced book with levels', () =>
      renderer.states.find((s) =>
        s.books.some((b) => b.synced && b.bids.length > 0 && b.asks.length > 0),
      ),
    );
    assert.equal(state.engineRunning, true);
    assert.deepEqual(state.symbols, ['BTCUSDT']);
    const book = state.books[0]!;
    assert.ok(Number(book.bids[0]![0]) < Number(book.asks[0]![0]), 'best bid below best ask');
  });

  await t.test('the kill switch from the page halts trading', async () => {
    const ack = await renderer.send({ type: 'setKillSwitch', on: true, reason: 'harness: halt' });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const halted = await waitFor('HALTED', () =>
      renderer.states.find((s) => s.killSwitch.state === 'HALTED'),
    );
    assert.equal(halted.killSwitch.reason, 'harness: halt');
    assert.equal(halted.killSwitch.source, 'trader');
  });

  await t.test(
    'a parameter edit is acknowledged, applied and saved to the config file',
    async () => {
      const ack = await renderer.send({
        type: 'updateParams',
        patch: { imbalance_threshold: 0.45 },
      });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      await waitFor('the new threshold in the state', () =>
        renderer.states.find((s) => s.params.imbalance_threshold === 0.45),
      );
      const configFile = path.join(data.dir, 'lockstep.toml');
      await waitFor(
        'the config file to hold the edit',
        () =>
          existsSync(configFile) &&
          /imbalance_threshold\s*=\s*0\.45/.test(readFileSync(configFile, 'utf8')),
      );
    },
  );

  await t.test('a malformed payload from the page is refused and names what is wrong', async () => {
    const ack = await renderer.send({ type: 'setKillSwitch', on: 'yes' } as never);
    assert.equal(ack.ok, false);
    assert.match((ack as { reason: string }).reason, /^invalid command: /);
  });

  await t.test(
    'Trading → Reduce only: on / off switch the engine to REDUCING and back',
    async () => {
      const armed = await renderer.send({
        type: 'setKillSwitch',
        on: false,
        reason: 'harness: re-arm',
      });
      assert.equal(armed.ok, true, JSON.stringify(armed));
      await waitFor('ACTIVE', () => renderer.latest()?.killSwitch.state === 'ACTIVE');
      clickMenu(electron!, 'reduce-only-on');
      await waitFor(
        'REDUCING from the menu',
        () => renderer.latest()?.killSwitch.state === 'REDUCING',
      );
      clickMenu(electron!, 'reduce-only-off');
      await waitFor('ACTIVE again', () => renderer.latest()?.killSwitch.state === 'ACTIVE');
      assert.deepEqual(electron!.errorBoxes, []);
    },
  );

  await t.test('the menu kill switch (Ctrl/Cmd+Shift+K) halts trading', async () => {
    const armed = await renderer.send({
      type: 'setKillSwitch',
      on: false,
      reason: 'harness: re-arm',
    });
    assert.equal(armed.ok, true, JSON.stringify(armed));
    await waitFor('ACTIVE', () => renderer.latest()?.killSwitch.state === 'ACTIVE');
    const item = findMenuItem(electron!.applicationMenu!.items, 'kill-switch')!;
    assert.equal(item.options.accelerator, 'CmdOrCtrl+Shift+K');
    clickMenu(electron!, 'kill-switch');
    const halted = await waitFor('HALTED from the menu', () =>
      renderer.states.find(
        (s) => s.killSwitch.state === 'HALTED' && /menu/.test(s.killSwitch.reason),
      ),
    );
    assert.equal(halted.killSwitch.source, 'trader');
    assert.deepEqual(electron!.errorBoxes, []);
  });

  await t.test('an engine crash is restarted HALTED, the window stays', async () => {
    await renderer.send({
      type: 'setKillSwitch',
      on: false,
      reason: 'harness: re-arm before crash',
    });
    await waitFor('ACTIVE', () => renderer.latest()?.killSwitch.state === 'ACTIVE');
    const first = electron!.forked[0]!;
    process.kill(first.child.pid!, 'SIGKILL');
    assert.equal(await first.exited, 137, 'Electron reports a SIGKILL as code 137');
    const restarted = await waitFor('a state from the restarted engine', () =>
      renderer.states.find((s) => s.health.restarts === 1 && s.engineRunning),
    );
    assert.equal(electron!.forked.length, 2);
    assert.equal(restarted.killSwitch.state, 'HALTED');
    assert.match(restarted.killSwitch.reason, /137|exited|crash|killed/i);
    assert.equal(electron!.windows.length, 1, 'the window was never closed');
  });

  await t.test(
    "File → Open Recording… and the page's openRecording replay a chosen file; a cancelled or malformed request is refused",
    async () => {
      const api = renderer.api as Required<typeof renderer.api>;
      electron!.openDialogAnswers.push(null);
      assert.deepEqual(await api.openRecording(1), {
        ok: false,
        reason: 'no recording was chosen',
      });
      assert.deepEqual(electron!.openDialogs.at(-1)!.properties, ['openFile']);
      const refused = (await electron!.invoke(win.contents, IPC_OPEN_RECORDING_CHANNEL, [7])) as {
        ok: boolean;
        reason: string;
      };
      assert.equal(refused.ok, false);
      assert.match(refused.reason, /invalid replay speed/);

      electron!.openDialogAnswers.push(path.join(REPO, 'assets', 'sample-recording.jsonl'));
      const started = await api.openRecording(0);
      assert.equal(started.ok, true, JSON.stringify(started));
      const stopped = await renderer.send({ type: 'replayStop' });
      assert.equal(stopped.ok, true, JSON.stringify(stopped));
      for (const forked of electron!.forked.slice(2)) await forked.exited;

      const item = findMenuItem(electron!.applicationMenu!.items, 'open-recording')!;
      assert.equal(item.options.accelerator, 'CommandOrControl+O');
      electron!.openDialogAnswers.push(null);
      clickMenu(electron!, 'open-recording');
      await waitFor("the menu's open dialog", () => electron!.openDialogAnswers.length === 0);
      assert.deepEqual(electron!.errorBoxes, [], 'a cancelled dialog is not an error');
    },
  );

  await t.test(
    'quit stops the engine cleanly (flush, then exit) and leaves no process',
    async () => {
      const engine = electron!.forked[1]!; // the live engine after its restart
      const pid = engine.child.pid!;
      const before = electron!.calls.length;
      clickMenu(electron!, 'quit');
      const code = await electron!.exited;
      assert.equal(code, 0);
      t.diagnostic(
        `electron calls from Quit to exit: ${describeCalls(electron!.calls.slice(before))}`,
      );
      assert.equal(
        await engine.exited,
        0,
        'the engine exited on its own after shutdown, not killed',
      );
      assert.equal(isAlive(pid), false);
      for (const forked of electron!.forked)
        assert.notEqual(forked.child.exitCode ?? forked.child.signalCode, null);
      assert.deepEqual(electron!.messageBoxes, [], 'no positions, so no question');
    },
  );

  await t.test(
    "what the engine wrote is in SQLite after quit: the trader's halts and the edit, flushed before exit",
    () => {
      const db = openDatabase(path.join(data.dir, 'lockstep.sqlite'), { readonly: true });
      try {
        const reasons = (
          db.prepare('SELECT reason FROM kill_switch_events ORDER BY event_id').all() as Array<{
            reason: string;
          }>
        ).map((row) => row.reason);
        assert.ok(reasons.includes('harness: halt'), reasons.join(' | '));
        assert.ok(reasons.includes('halted by the trader from the menu'), reasons.join(' | '));
        const edits = db
          .prepare("SELECT new_value FROM param_changes WHERE key = 'params.imbalance_threshold'")
          .all() as Array<{ new_value: number }>;
        assert.deepEqual(
          edits.map((row) => row.new_value),
          [0.45],
        );
      } finally {
        db.close();
      }
    },
  );

  await t.test("the engine's stdout and stderr are in the host's log file", () => {
    const log = readFileSync(path.join(data.dir, 'logs', 'lockstep.log'), 'utf8');
    assert.match(log, /engine chatter on stdout/);
    assert.match(log, /engine chatter on stderr/);
    assert.match(
      log,
      /"msg":"engine stopped"/,
      'the engine said it stopped (flushed) before exiting',
    );
  });

  await t.test('the window position is remembered for the next start', () => {
    const saved = JSON.parse(
      readFileSync(path.join(data.dir, 'window-state.json'), 'utf8'),
    ) as Record<string, unknown>;
    assert.deepEqual(Object.keys(saved).sort(), ['height', 'maximized', 'width', 'x', 'y']);
    assert.equal(saved.width, 1600);
  });
});
