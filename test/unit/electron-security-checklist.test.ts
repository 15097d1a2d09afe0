import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { IPC_COMMAND_CHANNEL, IPC_OPEN_RECORDING_CHANNEL } from '../../main/host/ipc-bridge.js';
import { SingleInstanceLock, type FakeElectron } from '../electron-harness/fake-electron.js';
import { clickMenu, rendererOf, tempDir, waitFor } from '../electron-harness/harness.js';
import { DIST, launchMain } from '../electron-harness/launch-main.js';

/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
 * item by item, read from what the real main.js does at startup on the stand-in and from
 * the packaging config. A regression in any item fails its test by name.
 */

const REPO = path.join(DIST, '..');
const ELECTRON_JS = path.join(DIST, 'main', 'electron');

let electron: FakeElectron;
let data: { dir: string; remove: () => void };

test.before(async () => {
  data = tempDir('lockstep-electron-security-');
  electron = launchMain(['--sim', '--data-dir', data.dir], {
    userData: path.join(data.dir, 'unused'),
    lock: new SingleInstanceLock(),
  });
  electron.emitReady();
  await waitFor('the window to load', () => electron.windows[0]?.pageResponse);
  const renderer = rendererOf(electron, electron.windows[0]!);
  await waitFor('the engine running', () => renderer.states.some((s) => s.engineRunning));
});

test.after(async () => {
  if (electron.exitCode === null) {
    clickMenu(electron, 'quit');
    await electron.exited;
  }
  for (const forked of electron.forked)
    if (forked.child.exitCode === null) forked.child.kill('SIGKILL');
  data.remove();
});

const win = () => electron.windows[0]!;
const webPreferences = () => win().options.webPreferences as Record<string, unknown>;

test('2/3. no Node in the page: nodeIntegration off (also in workers and subframes)', () => {
  assert.equal(webPreferences().nodeIntegration, false);
  assert.equal(webPreferences().nodeIntegrationInWorker, false);
  assert.equal(webPreferences().nodeIntegrationInSubFrames, false);
});

test('3. context isolation on', () => {
  assert.equal(webPreferences().contextIsolation, true);
});

test('4. process sandboxing: sandbox on for the window and for every renderer (app.enableSandbox)', () => {
  assert.equal(webPreferences().sandbox, true);
  assert.ok(electron.calls.some((c) => c.api === 'app.enableSandbox'));
});

test('6. webSecurity on, no insecure content, no experimental features, no <webview>', () => {
  assert.equal(webPreferences().webSecurity, true);
  assert.equal(webPreferences().allowRunningInsecureContent, false);
  assert.equal(webPreferences().experimentalFeatures, false);
  assert.equal(webPreferences().webviewTag, false);
});

test('5. permission requests from the page are denied, and permission checks fail', () => {
  for (const permission of [
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'openExternal',
  ]) {
    let granted: boolean | null = null;
    electron.permissionRequestHandler!(
      win().webContents,
      permission,
      (answer) => (granted = answer),
    );
    assert.equal(granted, false, permission);
    assert.equal(
      electron.permissionCheckHandler!(win().webContents, permission, 'app://lockstep', {}),
      false,
    );
  }
});

/** The CSP of the page as served, directive → sources. */
function pageCsp(): Map<string, string[]> {
  const header = win().pageResponse!.headers.get('content-security-policy');
  assert.ok(header, 'the page is served with a Content-Security-Policy header');
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

test('7. a strict Content-Security-Policy on the page: scripts from the app only, no eval, no inline script', () => {
  const csp = pageCsp();
  assert.deepEqual(csp.get('default-src'), ["'self'"]);
  assert.deepEqual(csp.get('script-src'), ["'self'"]);
  assert.deepEqual(csp.get('object-src'), ["'none'"]);
  assert.deepEqual(csp.get('base-uri'), ["'none'"]);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(
    csp.get('connect-src'),
    ["'self'"],
    'the page talks to nothing but the app (IPC)',
  );
  const all = [...csp.values()].flat();
  for (const loose of ["'unsafe-eval'", '*', 'http:', 'https:', 'ws:', "'wasm-unsafe-eval'"])
    assert.ok(!all.includes(loose), `no ${loose}`);
  assert.ok(!csp.get('script-src')!.includes("'unsafe-inline'"));
  const meta = readFileSync(path.join(DIST, 'ui', 'index.html'), 'utf8');
  assert.doesNotMatch(meta, /unsafe-eval/);
});

test('18. the UI comes from a custom protocol (app://), a standard secure scheme, never file://', () => {
  assert.equal(win().contents.url, 'app://lockstep/index.html');
  assert.deepEqual(electron.registeredSchemes, [
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  assert.ok(!electron.protocolHandlers.has('file'));
  for (const name of readdirSync(ELECTRON_JS).filter((n) => n.endsWith('.js'))) {
    const source = readFileSync(path.join(ELECTRON_JS, name), 'utf8');
    assert.doesNotMatch(
      source,
      /['"]file:\/\/|loadFile\(|pathToFileURL/,
      `${name} loads nothing from file://`,
    );
  }
});

test('18. the app:// handler normalises paths: nothing outside the built UI, no other host', async () => {
  const handler = electron.protocolHandlers.get('app')!;
  const status = async (url: string) => (await handler(new Request(url))).status;
  assert.equal(await status('app://lockstep/'), 200);
  assert.equal(await status('app://lockstep/index.html'), 200);
  for (const url of [
    'app://lockstep/../../package.json',
    'app://lockstep/%2e%2e/%2e%2e/package.json',
    'app://lockstep/..%2f..%2fpackage.json',
    'app://lockstep/assets/..%5c..%5cpackage.json',
    'app://lockstep/index.html%00.png',
    'app://lockstep/%E0%A4%A',
    'app://lockstep/no-such-file.js',
    'app://lockstep/assets',
    'app://elsewhere/index.html',
  ]) {
    assert.equal(await status(url), 404, url);
  }
  assert.equal(
    (await handler(new Request('app://lockstep/index.html', { method: 'POST' }))).status,
    405,
  );
  const script = (await handler(new Request('app://lockstep/index.html'))).headers;
  assert.equal(script.get('x-content-type-options'), 'nosniff');
});

test('13/14. navigation, redirects and <webview> are refused; new windows are denied', () => {
  const contents = win().contents;
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
    const attempt = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    contents.emit(event, attempt, 'https://evil.example/');
    assert.equal(attempt.defaultPrevented, true, event);
  }
  for (const url of ['https://evil.example/', 'app://lockstep/index.html', 'file:///etc/passwd'])
    assert.deepEqual(contents.windowOpenHandler!({ url }), { action: 'deny' });
});

test('15. shell.openExternal is never used (and so never with untrusted input)', () => {
  assert.deepEqual(electron.externalOpens, []);
  for (const name of readdirSync(ELECTRON_JS).filter((n) => n.endsWith('.js')))
    assert.doesNotMatch(
      readFileSync(path.join(ELECTRON_JS, name), 'utf8'),
      /\.openExternal\(/,
      name,
    );
});

test('17. IPC: the command handler checks event.senderFrame against our own origin and top frame', async () => {
  const handler = electron.ipcHandlers.get(IPC_COMMAND_CHANNEL)!;
  const ours = win().contents;
  const frame = (url: string, parent: object | null = null) => ({
    url,
    parent,
    origin: new URL(url).origin,
  });
  const refused = {
    ok: false,
    reason: 'refused: the command did not come from the Lockstep window',
  };
  const command = { type: 'cancelAll' };
  assert.deepEqual(
    await handler({ sender: ours.proxy, senderFrame: frame('https://evil.example/') }, command),
    refused,
  );
  assert.deepEqual(
    await handler(
      { sender: ours.proxy, senderFrame: frame('app://lockstep/index.html', {}) },
      command,
    ),
    refused,
    'a subframe, even on our origin',
  );
  assert.deepEqual(
    await handler({ sender: ours.proxy, senderFrame: frame('app://evil/index.html') }, command),
    refused,
  );
  assert.deepEqual(
    await handler({ sender: ours.proxy, senderFrame: null }, command),
    refused,
    'a frame already gone',
  );
  assert.deepEqual(
    await handler({ sender: {}, senderFrame: frame('app://lockstep/index.html') }, command),
    refused,
    'another web contents',
  );
  const accepted = (await handler(
    { sender: ours.proxy, senderFrame: ours.mainFrame },
    command,
  )) as { ok: boolean; reason?: string };
  assert.equal(accepted.ok, true, accepted.reason);
});

test('17. IPC: every ipcMain handler refuses a frame that is not our page', async () => {
  const ours = win().contents;
  const evil = { url: 'https://evil.example/', parent: null, origin: 'https://evil.example' };
  assert.deepEqual([...electron.ipcHandlers.keys()].sort(), [
    IPC_COMMAND_CHANNEL,
    IPC_OPEN_RECORDING_CHANNEL,
  ]);
  for (const [channel, handler] of electron.ipcHandlers) {
    const ack = (await handler({ sender: ours.proxy, senderFrame: evil }, 1)) as {
      ok: boolean;
      reason: string;
    };
    assert.equal(ack.ok, false, channel);
    assert.match(ack.reason, /^refused: /, channel);
  }
  assert.equal(electron.openDialogs.length, 0, 'no dialog was opened for the untrusted frame');
});

test('17. IPC: every payload is validated before it reaches the engine', async () => {
  const handler = electron.ipcHandlers.get(IPC_COMMAND_CHANNEL)!;
  const ours = win().contents;
  for (const payload of [
    null,
    'cancelAll',
    { type: 'rm -rf' },
    { type: 'cancelAll', extra: 1 },
    { type: 'flatten', symbol: '../x' },
  ]) {
    const ack = (await handler({ sender: ours.proxy, senderFrame: ours.mainFrame }, payload)) as {
      ok: boolean;
      reason?: string;
    };
    assert.equal(ack.ok, false, JSON.stringify(payload));
    assert.match(ack.reason!, /^invalid command: /);
  }
});

/** electron-builder.yml as electron-builder reads it (its own YAML loader), checked against its schema. */
function builderConfig(): Record<string, unknown> {
  // app-builder-lib (electron-builder's engine) holds the schema and the loaders it uses.
  const fromBuilder = Module.createRequire(
    Module.createRequire(require.resolve('electron-builder/package.json')).resolve(
      'app-builder-lib/package.json',
    ),
  );
  const yaml = fromBuilder('js-yaml') as { load(text: string): unknown };
  const config = yaml.load(readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const Ajv = fromBuilder('ajv') as new (options: object) => {
    validate(schema: object, data: unknown): boolean;
    errors: unknown;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schema = JSON.parse(
    readFileSync(fromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8'),
  ) as object;
  assert.ok(ajv.validate(schema, config), `electron-builder.yml: ${JSON.stringify(ajv.errors)}`);
  return config;
}

test('19. fuses flipped in the packaged build', () => {
  assert.deepEqual(builderConfig().electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

test('packaging: every platform target, icons, unpacked engine scripts and native modules, an author', () => {
  const config = builderConfig() as Record<string, Record<string, unknown>> & {
    asarUnpack: string[];
  };
  assert.deepEqual(config.linux!.target, ['AppImage', 'deb']);
  assert.equal(config.mac!.target, 'dmg');
  assert.equal(config.win!.target, 'nsis');
  for (const platform of ['linux', 'mac', 'win']) {
    const icon = config[platform]!.icon as string;
    const png = readFileSync(path.join(REPO, icon));
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG', `${platform} icon is a PNG`);
    assert.deepEqual(
      [png.readUInt32BE(16), png.readUInt32BE(20)],
      [512, 512],
      'icns/ico need 512×512',
    );
  }
  for (const unpacked of [
    'dist/main/engine/**',
    'node_modules/better-sqlite3/**',
    'node_modules/onnxruntime-node/**',
  ])
    assert.ok(config.asarUnpack.includes(unpacked), unpacked);
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    author?: { name?: string; email?: string };
  };
  assert.ok(
    pkg.author?.name && pkg.author.email,
    'package.json has an author with an email (deb needs it)',
  );
});
