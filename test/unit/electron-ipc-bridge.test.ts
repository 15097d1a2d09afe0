import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandAck, EngineState } from '../../shared/api.js';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import { createCommandRouter } from '../../main/host/command-router.js';
import { createLatestFanout } from '../../main/host/latest-fanout.js';
import {
  createIpcBridge,
  IPC_COMMAND_CHANNEL,
  IPC_STATE_CHANNEL,
} from '../../main/host/ipc-bridge.js';

interface FakeEvent {
  readonly trusted: boolean;
}
type Handler = (event: FakeEvent, payload: unknown) => Promise<CommandAck>;

/** A host made of the real router and fan-out, with the engine replaced by a recorder. */
function fakeHost() {
  const toEngine: Array<Extract<HostToEngine, { kind: 'command' }>> = [];
  const router = createCommandRouter({
    sendToEngine: (message) => {
      toEngine.push(message);
      return true;
    },
    engineUnavailable: () => null,
  });
  const states = createLatestFanout<EngineState>({ maxHz: 30 });
  return {
    toEngine,
    router,
    states,
    host: { send: router.send, onState: states.subscribe, latestState: states.latest },
  };
}

function bridgeWith() {
  const parts = fakeHost();
  const handlers = new Map<string, Handler>();
  const pushed: Array<{ channel: string; message: EngineState }> = [];
  const bridge = createIpcBridge<FakeEvent>({
    host: parts.host,
    handle: (channel, handler) => handlers.set(channel, handler),
    removeHandler: (channel) => handlers.delete(channel),
    send: (channel, message) => pushed.push({ channel, message }),
    isTrustedSender: (event) => event.trusted,
  });
  const invoke = (payload: unknown, trusted = true): Promise<CommandAck> => {
    const handler = handlers.get(IPC_COMMAND_CHANNEL);
    assert.ok(handler, 'the command handler is registered');
    return handler({ trusted }, payload);
  };
  return { ...parts, bridge, handlers, pushed, invoke };
}

const fakeState = (seq: number): EngineState => ({ seq }) as unknown as EngineState;

test('IPC payloads are validated: malformed ones are refused with a reason and never reach the engine', async () => {
  const { invoke, toEngine } = bridgeWith();
  for (const payload of [
    undefined,
    'setKillSwitch',
    { type: 'setKillSwitch', on: 'true', reason: 'x' },
    { type: 'setKillSwitch', on: true },
    { type: 'setKillSwitch', on: true, reason: 'y'.repeat(501) },
    { type: 'cancelAll', sneaky: true },
    { type: 'updateParams', patch: { imbalance_threshold: 'NaN' } },
    { type: 'updateParams', patch: { not_a_param: 1 } },
  ]) {
    const ack = await invoke(payload);
    assert.ok(!ack.ok, JSON.stringify(payload));
    assert.match(ack.reason, /^invalid command: /);
  }
  assert.equal(toEngine.length, 0);
});

test('a valid IPC command is forwarded and the engine ack comes back', async () => {
  const { invoke, toEngine, router } = bridgeWith();
  const pending = invoke({ type: 'setKillSwitch', on: true, reason: 'from the window' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(toEngine.length, 1);
  assert.deepEqual(toEngine[0]!.command, {
    type: 'setKillSwitch',
    on: true,
    reason: 'from the window',
  });
  router.handleAck(toEngine[0]!.id, { ok: true, detail: 'halted' });
  assert.deepEqual(await pending, { ok: true, detail: 'halted' });
});

test('a command from a frame that is not our window is refused without touching the host', async () => {
  const { invoke, toEngine } = bridgeWith();
  const ack = await invoke({ type: 'cancelAll' }, false);
  assert.deepEqual(ack, {
    ok: false,
    reason: 'refused: the command did not come from the Lockstep window',
  });
  assert.equal(toEngine.length, 0);
});

test('state is pushed on the state channel, latest only; subscribe pushes the current state at once', async () => {
  const { states, pushed, invoke } = bridgeWith();
  for (let seq = 1; seq <= 500; seq++) states.publish(fakeState(seq));
  assert.deepEqual(
    pushed.map((p) => [p.channel, p.message.seq]),
    [[IPC_STATE_CHANNEL, 1]],
  );
  for (let i = 0; i < 200 && pushed.length < 2; i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(
    pushed.map((p) => p.message.seq),
    [1, 500],
    'the burst collapsed to its newest state',
  );

  const before = pushed.length;
  assert.deepEqual(await invoke({ type: 'subscribe' }), { ok: true, detail: 'subscribed' });
  assert.equal(pushed.length, before + 1);
  assert.equal(pushed.at(-1)!.message.seq, 500);
  states.close();
});

test('dispose removes the handler and stops state pushes', async () => {
  const { bridge, handlers, states, pushed } = bridgeWith();
  bridge.dispose();
  assert.equal(handlers.has(IPC_COMMAND_CHANNEL), false);
  states.publish(fakeState(1));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(pushed.length, 0);
});
