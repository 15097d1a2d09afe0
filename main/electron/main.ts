import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { parseAppArgs } from '../host/app-args.js';
import { createConfigStore } from '../host/config-store.js';
import { CONFIG_FILE_NAME } from '../host/default-paths.js';
import { createHost, type Host } from '../host/host.js';
import { createIpcBridge, type IpcBridge } from '../host/ipc-bridge.js';
import { createHostLogger } from '../host/logger.js';
import { contentSecurityPolicy } from '../host/security-headers.js';
import {
  loadSimulator,
  pointAtSimulator,
  type RunningSimulator,
} from '../host/simulator-loader.js';
import { installAppMenu } from './app-menu.js';
import { forkUtilityEngine } from './utility-fork.js';

/**
 * The desktop app: one window, the engine in a utility process, IPC between them. Thin on
 * purpose — the logic lives in Electron-free modules of main/host (tested in plain Node);
 * this file only wires Electron to them.
 *
 * The simulator runs when asked with `--sim` (`npm start` passes it), never by guessing
 * from the config: a trader pointed at a real feed must not silently get a fake one.
 */

const args = parseAppArgs(process.argv);
const logger = createHostLogger({ name: 'lockstep-electron' });
const UI_INDEX = path.join(__dirname, '..', '..', 'ui', 'index.html');
const ENGINE = path.join(__dirname, '..', 'engine', 'process', 'engine-main.js');

let host: Host | null = null;
let bridge: IpcBridge | null = null;
let simulator: RunningSimulator | null = null;
let window: BrowserWindow | null = null;
let quitting = false;

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

function hardenSession(): void {
  const csp = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // index.html also carries a meta CSP; this header covers what a meta tag cannot.
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        ...(isDocument ? { 'Content-Security-Policy': [csp] } : {}),
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 1000,
    minHeight: 640,
    show: false,
    backgroundColor: '#0b0e11',
    title: 'Lockstep',
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  return win;
}

async function start(): Promise<void> {
  hardenSession();
  const dataDir = args.dataDir ?? app.getPath('userData');
  const configPath = args.configPath ?? path.join(dataDir, CONFIG_FILE_NAME);
  const win = createWindow();
  window = win;
  const pageUrl = pathToFileURL(UI_INDEX).href;
  const withoutFragment = (url: string | undefined): string | undefined =>
    url?.split('#')[0]?.split('?')[0];

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
  });
  host = started;
  installAppMenu((command) => started.send(command));
  bridge = createIpcBridge<IpcMainInvokeEvent>({
    host: started,
    handle: (channel, handler) =>
      ipcMain.handle(channel, (event, payload: unknown) => handler(event, payload)),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
    send: (channel, message) => {
      if (!win.isDestroyed()) win.webContents.send(channel, message);
    },
    isTrustedSender: (event) =>
      event.sender === win.webContents && withoutFragment(event.senderFrame?.url) === pageUrl,
  });
  await win.loadFile(UI_INDEX);
  await started.start();

  if (args.selfTest) {
    const exposed = await win.webContents.executeJavaScript('typeof window.lockstep?.send', true);
    console.log(
      `lockstep self-test: preload ${exposed === 'function' ? 'ok' : 'missing'}, engine ${started.engineStatus().phase}`,
    );
    app.quit();
  }
}

async function stopEverything(): Promise<void> {
  bridge?.dispose();
  await host?.stop();
  await simulator?.close();
}

app.on('before-quit', (event) => {
  if (quitting) return;
  // Stop the engine cleanly (it flushes SQLite) before the process goes.
  event.preventDefault();
  quitting = true;
  stopEverything()
    .catch((error: unknown) => logger.error({ err: error }, 'error while stopping'))
    .finally(() => app.quit());
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
    if (window && !window.isDestroyed()) window.destroy();
    app.quit();
  });
