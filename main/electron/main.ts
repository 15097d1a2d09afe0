import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, type IpcMainInvokeEvent } from 'electron';
import type { Command, CommandAck, ReplaySpeed } from '../../shared/api.js';
import { parseAppArgs } from '../host/app-args.js';
import { createConfigStore } from '../host/config-store.js';
import { CONFIG_FILE_NAME } from '../host/default-paths.js';
import { createHost, type Host } from '../host/host.js';
import { createIpcBridge, type IpcBridge } from '../host/ipc-bridge.js';
import { createHostLogger } from '../host/logger.js';
import { describePositions, openPositions } from '../host/open-positions.js';
import {
  loadSimulator,
  pointAtSimulator,
  type RunningSimulator,
} from '../host/simulator-loader.js';
import { aboutDetail, appMenuTemplate } from './app-menu.js';
import { APP_INDEX_URL, registerAppScheme, serveAppProtocol } from './app-protocol.js';
import { denyAllPermissions, isTrustedSender, lockDownContents } from './hardening.js';
import { createMainWindow } from './main-window.js';
import { forkUtilityEngine } from './utility-fork.js';

/**
 * The desktop app: one window, the engine in a utility process, IPC between them. Thin on
 * purpose — the logic lives in Electron-free modules of main/host (tested in plain Node);
 * this file only wires Electron to them. test/unit/electron-startup.test.ts runs it
 * end to end against a stand-in 'electron' module and the real engine.
 *
 * The simulator runs when asked with `--sim` (`npm start` passes it), never by guessing
 * from the config: a trader pointed at a real feed must not silently get a fake one.
 */

const args = parseAppArgs(process.argv);
const dataDir = args.dataDir ?? app.getPath('userData');
const logger = createHostLogger({
  name: 'lockstep-electron',
  file: path.join(dataDir, 'logs', 'lockstep.log'),
});
const UI_ROOT = path.join(__dirname, '..', '..', 'ui');
const ENGINE = path.join(__dirname, '..', 'engine', 'process', 'engine-main.js');
/** Electron's resources folder; a packaged app ships better-sqlite3's Electron build in it. */
const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;

let host: Host | null = null;
let bridge: IpcBridge | null = null;
let simulator: RunningSimulator | null = null;
let window: BrowserWindow | null = null;
/** Set once the trader confirmed (or nothing needed confirming) and the engine is stopping. */
let quitting = false;
let confirmingQuit = false;

async function sendFromMenu(command: Command, label: string): Promise<void> {
  const ack = host
    ? await host.send(command)
    : { ok: false as const, reason: 'the engine is not started yet' };
  logger.info({ command: command.type, ack }, 'command from the menu');
  if (!ack.ok) dialog.showErrorBox(`${label}: refused`, ack.reason);
}

/** The native open dialog, then a replay of the chosen file (never the live engine). */
async function openRecording(speed: ReplaySpeed): Promise<CommandAck> {
  if (!host || !window || window.isDestroyed())
    return { ok: false, reason: 'the engine is not started yet' };
  const choice = await dialog.showOpenDialog(window, {
    title: 'Open recording',
    properties: ['openFile'],
    filters: [{ name: 'Recordings', extensions: ['jsonl', 'gz'] }],
  });
  const file = choice.canceled ? undefined : choice.filePaths[0];
  if (!file) return { ok: false, reason: 'no recording was chosen' };
  logger.info({ file, speed }, 'replaying a recording chosen in the open dialog');
  return host.replayFile(file, speed);
}

function showAbout(): void {
  void dialog.showMessageBox({
    type: 'info',
    title: 'About Lockstep',
    message: 'Lockstep — paper-trading workstation',
    detail: aboutDetail(app.getVersion(), process.versions),
    buttons: ['OK'],
  });
}

function installMenu(): void {
  const template = appMenuTemplate(
    {
      send: (command, label) => void sendFromMenu(command, label),
      openRecording: () =>
        void openRecording(1).then((ack) => {
          if (!ack.ok && ack.reason !== 'no recording was chosen')
            dialog.showErrorBox('Open recording: refused', ack.reason);
        }),
      about: showAbout,
      quit: () => app.quit(),
    },
    process.platform,
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  denyAllPermissions();
  serveAppProtocol(UI_ROOT);
  installMenu();
  const configPath = args.configPath ?? path.join(dataDir, CONFIG_FILE_NAME);
  const win = await createMainWindow({
    preload: path.join(__dirname, 'preload.js'),
    stateDir: dataDir,
    logger,
  });
  window = win;
  // Closing the window quits the app, through the same confirmation as the Quit item.
  win.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    app.quit();
  });

  if (args.sim) {
    // The config is read first so the simulator serves the symbols the engine will ask for.
    const { strategy } = await createConfigStore(configPath).load();
    const startSimulator = await loadSimulator();
    simulator = await startSimulator({ port: 0, symbols: strategy.symbols });
    logger.info({ url: simulator.url }, 'simulator running');
  }
  const sim = simulator;
  const started = createHost({
    fork: forkUtilityEngine,
    enginePath: ENGINE,
    configPath,
    dataDir,
    logger,
    ...(sim ? { configOverrides: (config) => pointAtSimulator(config, sim) } : {}),
    ...(resourcesPath
      ? { engineEnv: { ...process.env, LOCKSTEP_NATIVE_DIR: path.join(resourcesPath, 'native') } }
      : {}),
  });
  host = started;
  bridge = createIpcBridge<IpcMainInvokeEvent>({
    host: started,
    handle: (channel, handler) =>
      ipcMain.handle(channel, (event, payload: unknown) => handler(event, payload)),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
    send: (channel, message) => {
      if (!win.isDestroyed()) win.webContents.send(channel, message);
    },
    isTrustedSender: (event) => isTrustedSender(event, win),
    openRecording,
  });
  await win.loadURL(APP_INDEX_URL);
  await started.start();

  if (args.selfTest) {
    const exposed = await win.webContents.executeJavaScript('typeof window.lockstep?.send', true);
    console.log(
      `lockstep self-test: preload ${exposed === 'function' ? 'ok' : 'missing'}, engine ${started.engineStatus().phase}`,
    );
    quitting = true;
    await stopEverything();
    app.quit();
  }
}

async function stopEverything(): Promise<void> {
  bridge?.dispose();
  await host?.stop();
  await simulator?.close();
}

/** Asks before leaving positions open; true when the app may quit. */
async function confirmQuit(): Promise<boolean> {
  const open = openPositions(host?.latestState() ?? null);
  if (open.length === 0 || !window || window.isDestroyed()) return true;
  const { response } = await dialog.showMessageBox(window, {
    type: 'warning',
    title: 'Quit Lockstep?',
    message: `You have open positions: ${describePositions(open)}.`,
    detail:
      'They stay open (paper) and are restored from the database at the next start, ' +
      'but nothing manages them while Lockstep is closed.',
    buttons: ['Quit', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  });
  return response === 0;
}

function run(): void {
  registerAppScheme();
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

  // A second launch focuses the window that is already there.
  app.on('second-instance', () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });

  app.on('before-quit', (event) => {
    if (quitting) return;
    // Ask, then stop the engine cleanly (it flushes SQLite) before the process goes.
    event.preventDefault();
    if (confirmingQuit) return;
    confirmingQuit = true;
    confirmQuit()
      .then(async (confirmed) => {
        if (!confirmed) return;
        quitting = true;
        await stopEverything().catch((error: unknown) =>
          logger.error({ err: error }, 'error while stopping'),
        );
        app.quit();
      })
      .catch((error: unknown) => logger.error({ err: error }, 'error while quitting'))
      .finally(() => {
        confirmingQuit = false;
      });
  });

  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, 'Lockstep could not start');
      if (args.selfTest) {
        console.log(`lockstep self-test: failed: ${message}`);
        app.exit(1);
        return;
      }
      dialog.showErrorBox('Lockstep could not start', message);
      quitting = true;
      void stopEverything().finally(() => app.quit());
    });
}

if (app.requestSingleInstanceLock()) run();
else app.quit();
