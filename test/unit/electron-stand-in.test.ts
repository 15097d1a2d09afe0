import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FakeElectron, SingleInstanceLock } from '../electron-harness/fake-electron.js';
import { UTILITY_MAIN } from '../electron-harness/launch-main.js';
import { waitFor } from '../electron-harness/harness.js';

/**
 * The stand-in 'electron' the startup tests rely on is itself held to Electron's
 * documented behaviour: it refuses what Electron refuses and accepts nothing it does not
 * know, and its utility process is a real process with Electron's message semantics.
 */
const ECHO = path.join(__dirname, '..', 'electron-harness', 'echo-utility.js');

function standIn(): { electron: FakeElectron; api: Record<string, Record<string, unknown>> } {
  const electron = new FakeElectron({
    userData: path.join(__dirname, 'unused'),
    appVersion: '0.0.0',
    lock: new SingleInstanceLock(),
    utilityMain: UTILITY_MAIN,
  });
  return { electron, api: electron.mainModule as Record<string, Record<string, unknown>> };
}

test('an API the stand-in does not implement throws, naming it', () => {
  const { api } = standIn();
  assert.throws(
    () => api.app!.setAsDefaultProtocolClient,
    /app\.setAsDefaultProtocolClient is not implemented/,
  );
  assert.throws(() => api.nativeTheme, /electron\.nativeTheme is not implemented/);
  assert.throws(() => api.ipcMain!.on, /ipcMain\.on is not implemented/);
});

test("Electron's preconditions hold: before ready / after ready, one handler per channel, known options only", () => {
  const { electron, api } = standIn();
  const BrowserWindow = api.BrowserWindow as unknown as new (options: object) => unknown;
  const fork = api.utilityProcess!.fork as (
    modulePath: string,
    args?: string[],
    options?: object,
  ) => unknown;
  assert.throws(() => new BrowserWindow({}), /before app is ready/);
  assert.throws(() => fork(ECHO), /only be called after ready/);
  electron.emitReady();
  assert.throws(() => (api.app!.enableSandbox as () => void)(), /before ready/);
  assert.throws(
    () => (api.protocol!.registerSchemesAsPrivileged as (s: object[]) => void)([{ scheme: 'x' }]),
    /before app ready/,
  );
  assert.throws(
    () => new BrowserWindow({ nodeIntegrationEverywhere: true }),
    /no option 'nodeIntegrationEverywhere'/,
  );
  assert.throws(
    () => new BrowserWindow({ webPreferences: { enableRemoteModule: true } }),
    /no option 'enableRemoteModule'/,
  );
  assert.throws(() => fork(ECHO, [], { detached: true }), /ForkOptions has no option 'detached'/);
  const handle = api.ipcMain!.handle as (channel: string, handler: () => unknown) => void;
  handle('c', () => 1);
  assert.throws(() => handle('c', () => 2), /second handler for 'c'/);
  const build = api.Menu!.buildFromTemplate as (template: object[]) => unknown;
  assert.throws(() => build([{ label: 'x', onClick: () => undefined }]), /no option 'onClick'/);
});

test('a dialog nobody expected fails the test instead of answering', async () => {
  const { api } = standIn();
  const show = api.dialog!.showMessageBox as (options: object) => Promise<unknown>;
  await assert.rejects(show({ message: 'Really?' }), /an unexpected dialog: Really\?/);
});

test('utilityProcess.fork is a real process: parentPort messages both ways, piped stdout, kill is SIGTERM, exit codes', async (t) => {
  const { electron, api } = standIn();
  electron.emitReady();
  const fork = api.utilityProcess!.fork as (
    modulePath: string,
    args?: string[],
    options?: object,
  ) => NodeJS.EventEmitter & {
    pid?: number;
    stdout: NodeJS.ReadableStream;
    postMessage(m: unknown): void;
    kill(): boolean;
  };
  const child = fork(ECHO, ['--flag'], { stdio: 'pipe', serviceName: 'echo' });
  t.after(() => electron.forked[0]?.child.kill('SIGKILL'));
  assert.equal(child.pid, undefined, 'no pid before spawn, as in Electron');
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const replies: unknown[] = [];
  child.on('message', (message) => replies.push(message));
  await new Promise((resolve) => child.once('spawn', resolve));
  assert.ok(child.pid! > 0);
  child.postMessage({ hello: [1, 2n] });
  await waitFor('the echo', () => replies.length === 1);
  assert.deepEqual(replies[0], { echo: { hello: [1, 2n] }, ports: 0, argv: ['--flag'] });
  await waitFor('the child to print', () => stdout.includes('echo utility up'));
  assert.match(stdout, /send is undefined/, 'the module has no Node IPC of its own');
  const exit = new Promise((resolve) => child.once('exit', resolve));
  assert.equal(child.kill(), true);
  assert.equal(await exit, 128 + 15, 'SIGTERM, reported as a code');

  const second = fork(ECHO);
  const secondExit = new Promise((resolve) => second.once('exit', resolve));
  second.postMessage('exit');
  assert.equal(await secondExit, 3);
});

test('MessageChannelMain ports deliver { data, ports } only after start()', async () => {
  const { api } = standIn();
  const Channel = api.MessageChannelMain as unknown as new () => {
    port1: NodeJS.EventEmitter & { postMessage(m: unknown): void; start(): void; close(): void };
    port2: NodeJS.EventEmitter & { postMessage(m: unknown): void; start(): void; close(): void };
  };
  const { port1, port2 } = new Channel();
  const got: unknown[] = [];
  port2.on('message', (event) => got.push(event));
  port1.postMessage('one');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(got, [], 'held until start()');
  port2.start();
  await waitFor('the message', () => got.length === 1);
  assert.deepEqual(got, [{ data: 'one', ports: [] }]);
  port1.close();
});
