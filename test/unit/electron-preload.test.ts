import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type { CommandAck, EngineState, LockstepApi } from '../../shared/api.js';
import { IPC_COMMAND_CHANNEL, IPC_STATE_CHANNEL } from '../../main/host/ipc-bridge.js';

/**
 * The real preload file, loaded with a stand-in 'electron' module (plain Node has no
 * contextBridge): checks what it exposes, the channels it uses, and that it requires
 * nothing a sandboxed preload cannot.
 */
const PRELOAD = path.join(__dirname, '..', '..', 'main', 'electron', 'preload.js');

type Listener = (event: unknown, payload: unknown) => void;

class FakeIpcRenderer {
  readonly invoked: Array<{ channel: string; payload: unknown }> = [];
  readonly listeners = new Map<string, Set<Listener>>();
  reply: (channel: string, payload: unknown) => Promise<unknown> = async () => ({ ok: true });
  invoke(channel: string, payload: unknown): Promise<unknown> {
    this.invoked.push({ channel, payload });
    return this.reply(channel, payload);
  }
  on(channel: string, listener: Listener): void {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
  }
  removeListener(channel: string, listener: Listener): void {
    this.listeners.get(channel)?.delete(listener);
  }
  emit(channel: string, payload: unknown): void {
    for (const listener of this.listeners.get(channel) ?? [])
      listener({ sender: 'electron-internal' }, payload);
  }
}

function loadPreload(): { api: LockstepApi; ipc: FakeIpcRenderer; exposedAs: string } {
  const ipc = new FakeIpcRenderer();
  let exposed: { key: string; api: LockstepApi } | null = null;
  const fakeElectron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: LockstepApi) => (exposed = { key, api }),
    },
    ipcRenderer: ipc,
  };
  const requireFromPreload = Module.createRequire(PRELOAD);
  const electronPath = requireFromPreload.resolve('electron');
  const stub = new Module(electronPath);
  stub.exports = fakeElectron;
  stub.loaded = true;
  const cache = requireFromPreload.cache;
  const previous = cache[electronPath];
  cache[electronPath] = stub;
  delete cache[PRELOAD];
  try {
    requireFromPreload(PRELOAD);
  } finally {
    if (previous) cache[electronPath] = previous;
    else delete cache[electronPath];
  }
  assert.ok(exposed, 'the preload called contextBridge.exposeInMainWorld');
  const { key, api } = exposed as { key: string; api: LockstepApi };
  return { api, ipc, exposedAs: key };
}

test('the preload exposes window.lockstep with the LockstepApi functions', () => {
  const { api, exposedAs } = loadPreload();
  assert.equal(exposedAs, 'lockstep');
  assert.equal(typeof api.send, 'function');
  assert.equal(typeof api.onState, 'function');
  assert.equal(typeof api.onConnection, 'function');
});

test('send invokes the command channel and returns the ack; failures become refusals with a reason', async () => {
  const { api, ipc } = loadPreload();
  ipc.reply = async () => ({ ok: true, detail: 'done' });
  assert.deepEqual(await api.send({ type: 'cancelAll' }), { ok: true, detail: 'done' });
  assert.deepEqual(ipc.invoked.at(-1), {
    channel: IPC_COMMAND_CHANNEL,
    payload: { type: 'cancelAll' },
  });

  ipc.reply = async () => ({ ok: false, reason: 'invalid command: x' });
  assert.deepEqual(await api.send({ type: 'cancelAll' }), {
    ok: false,
    reason: 'invalid command: x',
  });

  ipc.reply = async () => {
    throw new Error('No handler registered');
  };
  const thrown: CommandAck = await api.send({ type: 'cancelAll' });
  assert.ok(
    !thrown.ok && /could not be sent to the host: No handler registered/.test(thrown.reason),
  );

  ipc.reply = async () => 'surprise';
  const odd = await api.send({ type: 'cancelAll' });
  assert.ok(!odd.ok && /not an acknowledgement/.test(odd.reason));
});

test("onState forwards states without Electron's event, asks for the current state, and unsubscribes", () => {
  const { api, ipc } = loadPreload();
  const seen: unknown[] = [];
  const unsubscribe = api.onState((state: EngineState) => seen.push(state));
  assert.deepEqual(ipc.invoked.at(-1), {
    channel: IPC_COMMAND_CHANNEL,
    payload: { type: 'subscribe' },
  });
  ipc.emit(IPC_STATE_CHANNEL, { seq: 1 });
  ipc.emit(IPC_STATE_CHANNEL, { seq: 2 });
  assert.deepEqual(seen, [{ seq: 1 }, { seq: 2 }]);
  unsubscribe();
  ipc.emit(IPC_STATE_CHANNEL, { seq: 3 });
  assert.equal(seen.length, 2);
  assert.equal(ipc.listeners.get(IPC_STATE_CHANNEL)?.size, 0);
});

test('onConnection reports the IPC transport up at once', () => {
  const { api } = loadPreload();
  const seen: boolean[] = [];
  api.onConnection((connected) => seen.push(connected));
  assert.deepEqual(seen, [true]);
});

test('the compiled preload requires nothing but electron (a sandboxed preload cannot)', () => {
  const source = readFileSync(PRELOAD, 'utf8');
  const required = [...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  assert.deepEqual(required, ['electron']);
});

/** LockstepApi's members, checked both ways against the type at compile time. */
const API_KEYS = [
  'onConnection',
  'onState',
  'openRecording',
  'send',
] as const satisfies readonly (keyof LockstepApi)[];
type MissingFromList = Exclude<keyof LockstepApi, (typeof API_KEYS)[number]>;
const listIsComplete: [MissingFromList] extends [never] ? true : false = true;

test('exactly the LockstepApi crosses the context bridge: no ipcRenderer, no event objects, nothing more', async () => {
  assert.equal(listIsComplete, true);
  // The preload as a sandboxed renderer runs it (test/electron-harness): require() gives
  // 'electron' only, and contextBridge copies what is exposed.
  const exposed: Record<string, unknown> = {};
  const received: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const source = readFileSync(PRELOAD, 'utf8');
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api),
    },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        received.push({ channel, args });
        return { ok: true };
      },
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) =>
        listeners.set(channel, listener),
      removeListener: (channel: string) => listeners.delete(channel),
      send: () => assert.fail('the preload must not use ipcRenderer.send'),
      sendSync: () => assert.fail('the preload must not use ipcRenderer.sendSync'),
    },
  };
  const wrapped = (Module as unknown as { wrap(code: string): string }).wrap(source);
  const run = vm.runInThisContext(wrapped, { filename: PRELOAD }) as (...args: unknown[]) => void;
  const mod = { exports: {} };
  run(
    mod.exports,
    (name: string) => {
      assert.equal(name, 'electron', `a sandboxed preload cannot require '${name}'`);
      return electron;
    },
    mod,
    PRELOAD,
    path.dirname(PRELOAD),
  );

  assert.deepEqual(Object.keys(exposed), ['lockstep'], 'one global, window.lockstep');
  const api = exposed.lockstep as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), [...API_KEYS]);
  for (const key of API_KEYS) assert.equal(typeof api[key], 'function', key);
  for (const value of Object.values(api))
    assert.notEqual(value, electron.ipcRenderer, 'ipcRenderer itself is not exposed');

  // A listener gets the state alone, never Electron's event (which carries `sender`).
  const calls: unknown[][] = [];
  const unsubscribe = (api.onState as LockstepApi['onState'])((...args: unknown[]) =>
    calls.push(args),
  );
  assert.equal(typeof unsubscribe, 'function');
  listeners.get(IPC_STATE_CHANNEL)!({ sender: { id: 1 }, ports: [] }, { seq: 7 });
  assert.deepEqual(calls, [[{ seq: 7 }]]);

  // send passes only the command, and what comes back is a plain ack.
  const ack = await (api.send as LockstepApi['send'])({ type: 'cancelAll' });
  assert.deepEqual(ack, { ok: true });
  assert.deepEqual(received.at(-1), {
    channel: IPC_COMMAND_CHANNEL,
    args: [{ type: 'cancelAll' }],
  });
});
