import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { constants } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import path from 'node:path';
import vm from 'node:vm';

/**
 * A stand-in for the 'electron' module, written from Electron's documented API (v45), for
 * running the compiled main process in plain Node. It is not a mock that accepts anything:
 * every object is wrapped so that an API it does not implement throws, options it does not
 * know throw, and the documented preconditions (before/after 'ready', one handler per IPC
 * channel) throw as Electron does. Every call is recorded in order.
 *
 * utilityProcess.fork starts a REAL Node child process (through utility-process-main.js,
 * which gives it `process.parentPort`), so the engine that runs is the real engine.
 */

export interface CallRecord {
  readonly api: string;
  readonly args: readonly unknown[];
}

const PASS_THROUGH = new Set(['__esModule', 'then', 'toJSON', 'constructor', 'default']);

/** Wraps an object so reading anything it does not define throws, naming it. */
function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'symbol' || key in object) return Reflect.get(object, key, receiver);
      if (PASS_THROUGH.has(key)) return undefined;
      throw new Error(
        `stand-in electron: ${name}.${key} is not implemented (add it from Electron's documented API, or do not use it)`,
      );
    },
  });
}

function checkKeys(what: string, value: object, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new Error(`stand-in electron: ${what} has no option '${key}'`);
  }
}

/** Electron's cancellable event object. */
class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// https://www.electronjs.org/docs/latest/api/structures/base-window-options and browser-window
const WINDOW_OPTIONS = [
  'x',
  'y',
  'width',
  'height',
  'minWidth',
  'minHeight',
  'maxWidth',
  'maxHeight',
  'useContentSize',
  'center',
  'resizable',
  'show',
  'frame',
  'title',
  'icon',
  'backgroundColor',
  'webPreferences',
  'paintWhenInitiallyHidden',
  'titleBarStyle',
  'autoHideMenuBar',
];
const WEB_PREFERENCES = [
  'preload',
  'contextIsolation',
  'sandbox',
  'nodeIntegration',
  'nodeIntegrationInWorker',
  'nodeIntegrationInSubFrames',
  'webSecurity',
  'allowRunningInsecureContent',
  'experimentalFeatures',
  'webviewTag',
  'navigateOnDragDrop',
  'spellcheck',
  'devTools',
  'partition',
  'session',
  'additionalArguments',
];
const FORK_OPTIONS = [
  'env',
  'execArgv',
  'cwd',
  'stdio',
  'serviceName',
  'allowLoadingUnsignedLibraries',
  'respondToAuthRequestsFromMainProcess',
];
const MENU_ITEM_OPTIONS = [
  'id',
  'label',
  'sublabel',
  'toolTip',
  'accelerator',
  'click',
  'role',
  'type',
  'submenu',
  'enabled',
  'visible',
  'checked',
  'registerAccelerator',
];
const MESSAGE_BOX_OPTIONS = [
  'message',
  'type',
  'buttons',
  'defaultId',
  'signal',
  'title',
  'detail',
  'checkboxLabel',
  'checkboxChecked',
  'icon',
  'textWidth',
  'cancelId',
  'noLink',
  'normalizeAccessKeys',
];
const OPEN_DIALOG_OPTIONS = [
  'title',
  'defaultPath',
  'buttonLabel',
  'filters',
  'properties',
  'message',
  'securityScopedBookmarks',
];
const SCHEME_PRIVILEGES = [
  'standard',
  'secure',
  'bypassCSP',
  'allowServiceWorkers',
  'supportFetchAPI',
  'corsEnabled',
  'stream',
  'codeCache',
];

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FakeElectronOptions {
  readonly userData: string;
  readonly appVersion: string;
  /** Shared between the stand-ins of two "launches" to model the single-instance lock. */
  readonly lock: SingleInstanceLock;
  /** The compiled utility-process-main.js. */
  readonly utilityMain: string;
  readonly workArea?: Rectangle;
}

/** The OS-wide single-instance lock, shared by every launch in one test. */
export class SingleInstanceLock {
  holder: FakeElectron | null = null;
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export interface RendererWorld {
  /** What the preload exposed, by key, after passing the context bridge. */
  readonly exposed: Record<string, unknown>;
  /** Listeners the preload registered on ipcRenderer, by channel. */
  readonly listeners: Map<string, Set<(event: unknown, ...args: unknown[]) => void>>;
}

/** Our side of a utility process: the real child plus what Electron would report. */
export interface ForkedUtility {
  readonly modulePath: string;
  readonly options: Record<string, unknown>;
  readonly child: ChildProcess;
  readonly exited: Promise<number>;
}

export class FakeElectron {
  readonly calls: CallRecord[] = [];
  readonly windows: FakeBrowserWindow[] = [];
  readonly forked: ForkedUtility[] = [];
  readonly ipcHandlers = new Map<string, Handler>();
  readonly registeredSchemes: Array<{ scheme: string; privileges: Record<string, unknown> }> = [];
  readonly protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  permissionRequestHandler:
    ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null =
    null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  applicationMenu: FakeMenu | null = null;
  readonly errorBoxes: Array<{ title: string; content: string }> = [];
  readonly messageBoxes: Array<Record<string, unknown>> = [];
  readonly externalOpens: string[] = [];
  /** Answers for the next dialogs; a dialog with no answer queued throws (nobody expected it). */
  readonly dialogAnswers: number[] = [];
  /** Files for the next open dialogs (null: the user cancelled); none queued throws. */
  readonly openDialogAnswers: Array<string | null> = [];
  readonly openDialogs: Array<Record<string, unknown>> = [];
  readonly renderers = new Map<FakeWebContents, RendererWorld>();
  isReady = false;
  quitting = false;
  exitCode: number | null = null;
  readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;
  private readonly resolveReady: Array<() => void> = [];
  readonly app: FakeApp;
  /** What `require('electron')` returns in the main process. */
  readonly mainModule: object;
  /** What `require('electron')` returns in a preload. */
  readonly rendererModuleFor: (contents: FakeWebContents) => object;

  constructor(readonly options: FakeElectronOptions) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.app = new FakeApp(this);
    // The stand-in objects below are literals with getters and methods of their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const record = (api: string, args: readonly unknown[]): void => {
      this.calls.push({ api, args });
    };
    this.record = record;

    const protocol = strict('protocol', {
      registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges?: object }>) {
        record('protocol.registerSchemesAsPrivileged', [schemes]);
        if (self.isReady)
          throw new Error('protocol.registerSchemesAsPrivileged must be called before app ready');
        for (const entry of schemes) {
          checkKeys('CustomScheme.privileges', entry.privileges ?? {}, SCHEME_PRIVILEGES);
          self.registeredSchemes.push({
            scheme: entry.scheme,
            privileges: { ...(entry.privileges ?? {}) },
          });
        }
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
        record('protocol.handle', [scheme]);
        if (!self.isReady) throw new Error('protocol.handle must be called after app ready');
        if (self.protocolHandlers.has(scheme))
          throw new Error(`protocol.handle: '${scheme}' is already handled`);
        self.protocolHandlers.set(scheme, handler);
      },
    });

    const defaultSession = strict('session.defaultSession', {
      setPermissionRequestHandler(handler: FakeElectron['permissionRequestHandler']) {
        record('session.defaultSession.setPermissionRequestHandler', [typeof handler]);
        self.permissionRequestHandler = handler;
      },
      setPermissionCheckHandler(handler: FakeElectron['permissionCheckHandler']) {
        record('session.defaultSession.setPermissionCheckHandler', [typeof handler]);
        self.permissionCheckHandler = handler;
      },
    });
    const session = strict('session', {
      get defaultSession() {
        if (!self.isReady) throw new Error('session.defaultSession is only available after ready');
        return defaultSession;
      },
    });

    const ipcMain = strict('ipcMain', {
      handle(channel: string, handler: Handler) {
        record('ipcMain.handle', [channel]);
        if (self.ipcHandlers.has(channel))
          throw new Error(`Attempted to register a second handler for '${channel}'`);
        self.ipcHandlers.set(channel, handler);
      },
      removeHandler(channel: string) {
        record('ipcMain.removeHandler', [channel]);
        self.ipcHandlers.delete(channel);
      },
    });

    const menu = strict('Menu', {
      buildFromTemplate(template: Array<Record<string, unknown>>) {
        record('Menu.buildFromTemplate', [template.map((item) => item.label ?? item.role)]);
        return strict('Menu instance', new FakeMenu(buildItems(template)));
      },
      setApplicationMenu(value: FakeMenu | null) {
        record('Menu.setApplicationMenu', [value === null ? null : 'menu']);
        self.applicationMenu = value;
      },
    });

    const dialog = strict('dialog', {
      showMessageBox(...args: unknown[]) {
        const options = (args.length === 2 ? args[1] : args[0]) as Record<string, unknown>;
        record('dialog.showMessageBox', [options.message]);
        checkKeys('MessageBoxOptions', options, MESSAGE_BOX_OPTIONS);
        self.messageBoxes.push(options);
        const response = self.dialogAnswers.shift();
        if (response === undefined)
          return Promise.reject(
            new Error(`stand-in electron: an unexpected dialog: ${String(options.message)}`),
          );
        return Promise.resolve({ response, checkboxChecked: false });
      },
      showOpenDialog(...args: unknown[]) {
        const options = (args.length === 2 ? args[1] : args[0]) as Record<string, unknown>;
        record('dialog.showOpenDialog', [options.title]);
        checkKeys('OpenDialogOptions', options, OPEN_DIALOG_OPTIONS);
        self.openDialogs.push(options);
        if (self.openDialogAnswers.length === 0)
          return Promise.reject(
            new Error(`stand-in electron: an unexpected open dialog: ${String(options.title)}`),
          );
        const file = self.openDialogAnswers.shift()!;
        return Promise.resolve({ canceled: file === null, filePaths: file === null ? [] : [file] });
      },
      showErrorBox(title: string, content: string) {
        record('dialog.showErrorBox', [title, content]);
        self.errorBoxes.push({ title, content });
      },
    });

    const shell = strict('shell', {
      openExternal(url: string) {
        record('shell.openExternal', [url]);
        self.externalOpens.push(url);
        return Promise.resolve();
      },
    });

    const screen = strict('screen', {
      getAllDisplays() {
        record('screen.getAllDisplays', []);
        if (!self.isReady) throw new Error('screen cannot be used before app ready');
        const workArea = self.options.workArea ?? { x: 0, y: 0, width: 1920, height: 1040 };
        return [
          {
            id: 1,
            bounds: { x: 0, y: 0, width: workArea.width, height: workArea.height + 40 },
            workArea,
            scaleFactor: 1,
          },
        ];
      },
    });

    const utilityProcess = strict('utilityProcess', {
      fork(modulePath: string, args: string[] = [], forkOptions: Record<string, unknown> = {}) {
        record('utilityProcess.fork', [modulePath, args, forkOptions]);
        if (!self.isReady) throw new Error('utilityProcess.fork can only be called after ready');
        checkKeys('ForkOptions', forkOptions, FORK_OPTIONS);
        return strict(
          'UtilityProcess',
          new FakeUtilityProcess(self, modulePath, args, forkOptions),
        );
      },
    });

    // BrowserWindow is a class: construct through a proxy so statics and instances are strict.
    const BrowserWindow = new Proxy(FakeBrowserWindow, {
      construct(_target, [windowOptions]: [Record<string, unknown>]) {
        record('new BrowserWindow', [windowOptions]);
        return strict('BrowserWindow', new FakeBrowserWindow(self, windowOptions));
      },
      get(target, key, receiver) {
        if (key === 'getAllWindows') return () => [...self.windows];
        if (typeof key === 'symbol' || key === 'prototype' || key === 'name')
          return Reflect.get(target, key, receiver);
        throw new Error(`stand-in electron: BrowserWindow.${key} is not implemented`);
      },
    });

    this.mainModule = strict('electron', {
      app: strict('app', this.app),
      BrowserWindow,
      MessageChannelMain: FakeMessageChannelMain,
      dialog,
      ipcMain,
      Menu: menu,
      protocol,
      screen,
      session,
      shell,
      utilityProcess,
    });

    this.rendererModuleFor = (contents) =>
      strict('electron (renderer)', {
        contextBridge: strict('contextBridge', {
          exposeInMainWorld(key: string, api: unknown) {
            record('contextBridge.exposeInMainWorld', [key]);
            self.worldOf(contents).exposed[key] = acrossContextBridge(api);
          },
        }),
        ipcRenderer: strict('ipcRenderer', {
          invoke: (channel: string, ...args: unknown[]) => self.invoke(contents, channel, args),
          on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
            const world = self.worldOf(contents);
            if (!world.listeners.has(channel)) world.listeners.set(channel, new Set());
            world.listeners.get(channel)!.add(listener);
          },
          removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
            self.worldOf(contents).listeners.get(channel)?.delete(listener);
          },
        }),
      });
  }

  readonly record: (api: string, args: readonly unknown[]) => void;

  worldOf(contents: FakeWebContents): RendererWorld {
    let world = this.renderers.get(contents);
    if (!world) {
      world = { exposed: {}, listeners: new Map() };
      this.renderers.set(contents, world);
    }
    return world;
  }

  /** ipcRenderer.invoke: structured clone both ways, an IpcMainInvokeEvent from the frame. */
  async invoke(contents: FakeWebContents, channel: string, args: unknown[]): Promise<unknown> {
    const handler = this.ipcHandlers.get(channel);
    if (!handler)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      );
    const event = strict('IpcMainInvokeEvent', {
      sender: contents.proxy,
      senderFrame: contents.mainFrame,
      processId: 1,
      frameId: 1,
    });
    return structuredClone(await handler(event, ...structuredClone(args)));
  }

  whenReady(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve) => this.resolveReady.push(resolve));
  }

  /** What Electron does once the app has initialised. */
  emitReady(): void {
    this.app.emit('will-finish-launching');
    this.isReady = true;
    this.app.emit('ready', new PreventableEvent(), {});
    for (const resolve of this.resolveReady.splice(0)) resolve();
  }

  finish(code: number): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    if (this.options.lock.holder === this) this.options.lock.holder = null;
    this.resolveExit(code);
  }
}

/** contextBridge copies values into the page: functions become proxies, objects are copied. */
function acrossContextBridge(value: unknown): unknown {
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => acrossContextBridge(fn(...args));
  }
  if (value instanceof Promise) return value.then(acrossContextBridge);
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) return value.map(acrossContextBridge);
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, acrossContextBridge(inner)]),
    );
  }
  return value;
}

class FakeApp extends EventEmitter {
  constructor(private readonly electron: FakeElectron) {
    super();
  }

  enableSandbox(): void {
    this.electron.record('app.enableSandbox', []);
    if (this.electron.isReady) throw new Error('app.enableSandbox must be called before ready');
  }

  requestSingleInstanceLock(): boolean {
    this.electron.record('app.requestSingleInstanceLock', []);
    const lock = this.electron.options.lock;
    if (lock.holder && lock.holder !== this.electron) {
      // What the first instance sees of this launch.
      lock.holder.app.emit(
        'second-instance',
        new PreventableEvent(),
        process.argv,
        process.cwd(),
        {},
      );
      return false;
    }
    lock.holder = this.electron;
    return true;
  }

  override on(event: string | symbol, listener: (...args: unknown[]) => void): this {
    this.electron.record('app.on', [event]);
    return super.on(event, listener);
  }

  whenReady(): Promise<void> {
    this.electron.record('app.whenReady', []);
    return this.electron.whenReady();
  }

  getPath(name: string): string {
    this.electron.record('app.getPath', [name]);
    if (name === 'userData') return this.electron.options.userData;
    if (name === 'logs') return path.join(this.electron.options.userData, 'logs');
    throw new Error(`stand-in electron: app.getPath('${name}') is not modelled`);
  }

  getVersion(): string {
    this.electron.record('app.getVersion', []);
    return this.electron.options.appVersion;
  }

  /** before-quit → close every window → will-quit → quit; any preventDefault stops it. */
  quit(): void {
    this.electron.record('app.quit', []);
    if (this.electron.exitCode !== null) return;
    const beforeQuit = new PreventableEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    this.electron.quitting = true;
    for (const win of [...this.electron.windows]) {
      if (!win.requestClose()) {
        this.electron.quitting = false;
        return;
      }
    }
    const willQuit = new PreventableEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.electron.quitting = false;
      return;
    }
    this.emit('quit', new PreventableEvent(), 0);
    this.electron.finish(0);
  }

  exit(code = 0): void {
    this.electron.record('app.exit', [code]);
    for (const win of [...this.electron.windows]) win.destroy();
    this.electron.finish(code);
  }
}

class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}
}

interface FakeMenuItem {
  readonly options: Record<string, unknown>;
  readonly submenu: FakeMenuItem[];
}

function buildItems(template: Array<Record<string, unknown>>): FakeMenuItem[] {
  return template.map((options) => {
    checkKeys('MenuItemConstructorOptions', options, MENU_ITEM_OPTIONS);
    const submenu = Array.isArray(options.submenu)
      ? buildItems(options.submenu as Array<Record<string, unknown>>)
      : [];
    return { options, submenu };
  });
}

export function findMenuItem(items: readonly FakeMenuItem[], id: string): FakeMenuItem | null {
  for (const item of items) {
    if (item.options.id === id) return item;
    const inner = findMenuItem(item.submenu, id);
    if (inner) return inner;
  }
  return null;
}

export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  url = '';
  destroyed = false;
  readonly mainFrame: { url: string; parent: null; origin: string };
  readonly proxy: FakeWebContents;
  readonly raw: FakeWebContents;

  constructor(private readonly electron: FakeElectron) {
    super();
    // mainFrame's getters read the live URL of this (unproxied) object.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.raw = this;
    this.mainFrame = strict('WebFrameMain', {
      get url() {
        return self.url;
      },
      parent: null,
      get origin() {
        return self.url ? new URL(self.url).origin : '';
      },
    });
    this.proxy = strict('WebContents', this);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.electron.record('webContents.setWindowOpenHandler', []);
    this.windowOpenHandler = handler;
  }

  override on(event: string | symbol, listener: (...args: unknown[]) => void): this {
    this.electron.record('webContents.on', [event]);
    return super.on(event, listener);
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    // Called through the proxy main.js holds: look the world up by the object itself.
    const world = this.electron.renderers.get(this.raw);
    for (const listener of world?.listeners.get(channel) ?? [])
      listener({ sender: 'ipcRenderer (Electron internal)' }, ...structuredClone(args));
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Runs `code` in the page's world: a context whose only global is what the preload exposed. */
  executeJavaScript(code: string): Promise<unknown> {
    this.electron.record('webContents.executeJavaScript', [code]);
    const world = this.electron.renderers.get(this.raw);
    const window = { ...(world?.exposed ?? {}) };
    return Promise.resolve(vm.runInNewContext(code, { window }));
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly contents: FakeWebContents;
  bounds: Rectangle;
  maximized = false;
  minimized = false;
  visible = false;
  focused = false;
  destroyed = false;
  /** The response of the page load (headers included), through the registered protocol. */
  pageResponse: Response | null = null;

  constructor(
    private readonly electron: FakeElectron,
    readonly options: Record<string, unknown>,
  ) {
    super();
    if (!electron.isReady) throw new Error('Cannot create BrowserWindow before app is ready');
    checkKeys('BrowserWindowConstructorOptions', options, WINDOW_OPTIONS);
    checkKeys(
      'WebPreferences',
      (options.webPreferences as object | undefined) ?? {},
      WEB_PREFERENCES,
    );
    const workArea = electron.options.workArea ?? { x: 0, y: 0, width: 1920, height: 1040 };
    const width = (options.width as number | undefined) ?? 800;
    const height = (options.height as number | undefined) ?? 600;
    this.bounds = {
      x: (options.x as number | undefined) ?? Math.round((workArea.width - width) / 2),
      y: (options.y as number | undefined) ?? Math.round((workArea.height - height) / 2),
      width,
      height,
    };
    this.visible = options.show !== false;
    this.contents = new FakeWebContents(electron);
    electron.windows.push(this);
    electron.app.emit('web-contents-created', new PreventableEvent(), this.contents.proxy);
    electron.app.emit('browser-window-created', new PreventableEvent(), this);
  }

  get webContents(): FakeWebContents {
    return this.contents.proxy;
  }

  override on(event: string | symbol, listener: (...args: unknown[]) => void): this {
    this.electron.record('BrowserWindow.on', [event]);
    return super.on(event, listener);
  }

  override once(event: string | symbol, listener: (...args: unknown[]) => void): this {
    this.electron.record('BrowserWindow.once', [event]);
    // Not super.once: it goes through this.on, which would record the call a second time.
    const wrapped = (...args: unknown[]): void => {
      super.removeListener(event, wrapped);
      listener(...args);
    };
    return super.on(event, wrapped);
  }

  /**
   * Loads a page through the protocol handler registered for its scheme (there is no
   * file:// or http:// here), then runs the preload in a renderer world, as Electron does
   * before the page's scripts.
   */
  async loadURL(url: string): Promise<void> {
    this.electron.record('BrowserWindow.loadURL', [url]);
    const scheme = new URL(url).protocol.replace(/:$/, '');
    const handler = this.electron.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
    const response = await handler(new Request(url));
    if (response.status !== 200)
      throw new Error(`ERR_HTTP_RESPONSE_CODE_FAILURE (-379) loading '${url}'`);
    this.pageResponse = response;
    this.contents.url = url;
    const preload = (this.options.webPreferences as { preload?: string } | undefined)?.preload;
    if (preload) runPreload(this.electron, this.contents, preload);
    this.contents.emit('did-finish-load');
    this.emit('ready-to-show');
  }

  show(): void {
    this.electron.record('BrowserWindow.show', []);
    this.visible = true;
  }
  focus(): void {
    this.electron.record('BrowserWindow.focus', []);
    this.focused = true;
  }
  restore(): void {
    this.electron.record('BrowserWindow.restore', []);
    this.minimized = false;
  }
  minimize(): void {
    this.electron.record('BrowserWindow.minimize', []);
    this.minimized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  maximize(): void {
    this.electron.record('BrowserWindow.maximize', []);
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getBounds(): Rectangle {
    return { ...this.bounds };
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<Rectangle>): void {
    this.electron.record('BrowserWindow.setBounds', [bounds]);
    this.bounds = { ...this.bounds, ...bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** The user clicked the close button (or app.quit closes it): 'close' may be prevented. */
  close(): void {
    this.electron.record('BrowserWindow.close', []);
    if (this.requestClose() && this.electron.windows.length === 0 && !this.electron.quitting)
      this.electron.app.emit('window-all-closed');
  }

  /** True when the window closed. */
  requestClose(): boolean {
    if (this.destroyed) return true;
    const event = new PreventableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.contents.destroyed = true;
    const index = this.electron.windows.indexOf(this);
    if (index >= 0) this.electron.windows.splice(index, 1);
    this.emit('closed');
  }
}

/**
 * Evaluates the preload the way a sandboxed renderer does: its require() gives 'electron'
 * (the renderer half) and nothing else of ours or Node's.
 */
function runPreload(electron: FakeElectron, contents: FakeWebContents, preload: string): void {
  const source = readFileSync(preload, 'utf8');
  const sandboxedRequire = (name: string): unknown => {
    if (name === 'electron') return electron.rendererModuleFor(contents);
    throw new Error(`a sandboxed preload cannot require '${name}'`);
  };
  const exports = {};
  const wrapper = vm.runInThisContext(
    (Module as unknown as { wrap(code: string): string }).wrap(source),
    { filename: preload },
  ) as (...args: unknown[]) => void;
  wrapper(exports, sandboxedRequire, { exports }, preload, path.dirname(preload));
}

class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  private readonly child: ChildProcess;

  constructor(
    electron: FakeElectron,
    modulePath: string,
    args: readonly string[],
    options: Record<string, unknown>,
  ) {
    super();
    const piped = options.stdio === 'pipe';
    this.child = fork(electron.options.utilityMain, [modulePath, ...args], {
      env: (options.env as NodeJS.ProcessEnv | undefined) ?? process.env,
      execArgv: (options.execArgv as string[] | undefined) ?? [],
      ...(options.cwd ? { cwd: options.cwd as string } : {}),
      stdio: piped ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    const exited = new Promise<number>((resolve) => {
      this.child.on('exit', (code, signal) => {
        // Electron reports only a code (waitpid's status on POSIX): a signal death is 128+n.
        const reported = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
        resolve(reported);
        this.emit('exit', reported);
      });
    });
    this.child.on('spawn', () => {
      this.pid = this.child.pid;
      this.emit('spawn');
    });
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('error', () => undefined);
    electron.forked.push({ modulePath, options, child: this.child, exited });
  }

  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as object);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

/**
 * MessagePortMain: an EventEmitter whose 'message' events carry `{ data, ports }`, held
 * until start() (Electron's documented behaviour), over a real MessageChannel.
 */
class FakeMessagePortMain extends EventEmitter {
  private started = false;
  private readonly held: unknown[] = [];

  constructor(private readonly port: MessagePort) {
    super();
    port.on('message', (data: unknown) => {
      if (this.started) this.emit('message', { data, ports: [] });
      else this.held.push(data);
    });
    port.on('close', () => this.emit('close'));
    port.unref();
  }
  postMessage(message: unknown): void {
    this.port.postMessage(message);
  }
  start(): void {
    this.started = true;
    for (const data of this.held.splice(0)) this.emit('message', { data, ports: [] });
  }
  close(): void {
    this.port.close();
  }
}

class FakeMessageChannelMain {
  readonly port1: FakeMessagePortMain;
  readonly port2: FakeMessagePortMain;
  constructor() {
    const channel = new MessageChannel();
    this.port1 = strict('MessagePortMain', new FakeMessagePortMain(channel.port1));
    this.port2 = strict('MessagePortMain', new FakeMessagePortMain(channel.port2));
  }
}
