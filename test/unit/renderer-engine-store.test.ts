import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngineStore, isNewer } from '../../renderer/src/store/engine-store.js';
import { createManualScheduler } from '../../renderer/src/store/frame-scheduler.js';
import { createConnectionStore } from '../../renderer/src/store/connection-store.js';
import { connectApiToStores } from '../../renderer/src/store/connect-api.js';
import type { CommandAck, EngineState, LockstepApi } from '../../shared/api.js';
import { engineState } from './renderer-fixtures.js';

test('a received state is published at the next frame, not before', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  assert.equal(engine.receive(engineState({ seq: 1 })), true);
  assert.equal(engine.store.getState().state, null, 'nothing is published between frames');
  frames.runFrame();
  assert.equal(engine.store.getState().state?.seq, 1);
  assert.equal(engine.store.getState().frames, 1);
});

test('many states within one frame publish once, with the newest', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  let notifications = 0;
  engine.store.subscribe(() => notifications++);
  for (let seq = 1; seq <= 5; seq++) engine.receive(engineState({ seq }));
  assert.equal(frames.pending, 1, 'one frame callback for five states');
  frames.runFrame();
  assert.equal(notifications, 1);
  assert.equal(engine.store.getState().state?.seq, 5);
  assert.equal(frames.runFrame(), 0, 'no frame is scheduled when nothing new came');
});

test('an older state is ignored, before or after publication', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  engine.receive(engineState({ seq: 10 }));
  assert.equal(engine.receive(engineState({ seq: 9 })), false, 'older than the pending one');
  frames.runFrame();
  assert.equal(engine.receive(engineState({ seq: 10 })), false, 'a repeat is not newer');
  assert.equal(engine.receive(engineState({ seq: 3 })), false);
  frames.runFrame();
  assert.equal(engine.store.getState().state?.seq, 10);
  assert.equal(engine.ignored, 3);
});

test('a restarted engine (more restarts, sequence from 1) is accepted; a late state of the old run is not', () => {
  const base = engineState();
  const run = (restarts: number, seq: number): EngineState => ({
    ...base,
    seq,
    health: { ...base.health, restarts },
  });
  assert.equal(isNewer(run(1, 1), run(0, 500)), true);
  assert.equal(isNewer(run(0, 501), run(1, 1)), false);
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  engine.receive(run(0, 500));
  engine.receive(run(1, 1));
  engine.receive(run(0, 501));
  frames.runFrame();
  assert.equal(engine.store.getState().state?.health.restarts, 1);
  assert.equal(engine.store.getState().state?.seq, 1);
});

test('after a reconnect the sequence starts over (a restarted host counts from 1 again)', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  engine.receive(engineState({ seq: 900 }));
  frames.runFrame();
  assert.equal(engine.receive(engineState({ seq: 1 })), false);
  engine.resetSequence();
  assert.equal(engine.receive(engineState({ seq: 1 })), true);
  frames.runFrame();
  assert.equal(engine.store.getState().state?.seq, 1);
});

test('slices keep their identity while their content is unchanged, so tables skip re-rendering', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  const order = {
    orderId: 1,
    clientOrderId: 'strategy_a',
    symbol: 'BTCUSDT',
    side: 'Buy' as const,
    type: 'Limit' as const,
    status: 'Open' as const,
    price: '119000.00',
    qty: '0.01',
    filledQty: '0',
    avgFillPrice: '0',
    createdUs: 1,
    updatedUs: 1,
  };
  engine.receive(engineState({ seq: 1, orders: [order] }));
  frames.runFrame();
  const first = engine.store.getState();
  // Same content, fresh objects: what every parsed JSON message looks like.
  engine.receive(engineState({ seq: 2, orders: [{ ...order }] }));
  frames.runFrame();
  const second = engine.store.getState();
  assert.notEqual(second.state, first.state, 'the state itself is new every frame');
  assert.equal(second.orders, first.orders);
  assert.equal(second.params, first.params);
  assert.equal(second.killSwitch, first.killSwitch);
  assert.equal(second.positions, first.positions);
  engine.receive(
    engineState({ seq: 3, orders: [{ ...order, status: 'Filled', filledQty: '0.01' }] }),
  );
  frames.runFrame();
  const third = engine.store.getState();
  assert.notEqual(third.orders, first.orders);
  assert.equal(third.orders[0].status, 'Filled');
  engine.receive(
    engineState({
      seq: 4,
      killSwitch: {
        state: 'HALTED',
        reason: 'stale feed',
        source: 'engine',
        changedUs: 2,
        settled: true,
      },
    }),
  );
  frames.runFrame();
  assert.equal(engine.store.getState().killSwitch?.state, 'HALTED');
});

/** A LockstepApi driven by the test: it pushes states and connection changes by hand. */
function pushApi() {
  const states = new Set<(state: EngineState) => void>();
  const connections = new Set<(connected: boolean) => void>();
  const api: LockstepApi = {
    send: async (): Promise<CommandAck> => ({ ok: true }),
    onState: (listener) => (states.add(listener), () => states.delete(listener)),
    onConnection: (listener) => (connections.add(listener), () => connections.delete(listener)),
  };
  return {
    api,
    state: (s: EngineState) => states.forEach((l) => l(s)),
    connection: (c: boolean) => connections.forEach((l) => l(c)),
  };
}

test('the API feeds the stores; a reconnect resets the sequence; unsubscribing stops the feed', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  const connection = createConnectionStore(() => 5);
  const push = pushApi();
  const stop = connectApiToStores(push.api, engine, connection);
  assert.equal(connection.getState().status, 'connecting');
  push.connection(true);
  push.state(engineState({ seq: 50 }));
  frames.runFrame();
  assert.equal(engine.store.getState().state?.seq, 50);
  push.connection(false);
  assert.equal(connection.getState().status, 'disconnected');
  assert.equal(connection.getState().drops, 1);
  push.connection(true);
  push.state(engineState({ seq: 1 }));
  frames.runFrame();
  assert.equal(
    engine.store.getState().state?.seq,
    1,
    'the restarted host counts from 1 and is shown',
  );
  stop();
  push.state(engineState({ seq: 2 }));
  assert.equal(frames.pending, 0);
});

test('an API that never reports its connection counts as connected once a state arrives', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  const connection = createConnectionStore();
  const push = pushApi();
  connectApiToStores(push.api, engine, connection);
  push.state(engineState({ seq: 1 }));
  assert.equal(connection.getState().status, 'connected');
  push.connection(false);
  push.state(engineState({ seq: 2 }));
  assert.equal(
    connection.getState().status,
    'disconnected',
    'a reported drop is not overridden by a late state',
  );
});

test('a malformed state from any transport is reported and dropped, the next good one shown', () => {
  const frames = createManualScheduler();
  const engine = createEngineStore(frames.schedule);
  const connection = createConnectionStore();
  const push = pushApi();
  const problems: string[] = [];
  connectApiToStores(push.api, engine, connection, (p) => problems.push(p));
  push.state({ ...engineState({ seq: 1 }), books: 'none' } as unknown as EngineState);
  assert.deepEqual(problems, ['state from the host dropped: state.books is not an array']);
  assert.equal(frames.pending, 0);
  push.state(engineState({ seq: 2 }));
  frames.runFrame();
  assert.equal(engine.store.getState().state?.seq, 2);
});

test('adaptive frames leave the main thread as much time as the last frame took', async () => {
  const { createAdaptiveFrameScheduler } =
    await import('../../renderer/src/store/frame-scheduler.js');
  let now = 0;
  const frames: (() => void)[] = [];
  const after: (() => void)[] = [];
  const timers: { at: number; callback: () => void }[] = [];
  const scheduler = createAdaptiveFrameScheduler({
    now: () => now,
    requestFrame: (callback) => void frames.push(callback),
    afterFrame: (callback) => void after.push(callback),
    setTimer: (callback, ms) => void timers.push({ at: now + ms, callback }),
  });
  let drawn = 0;
  // A cheap frame: 3 ms of work, the next frame is requested at once.
  scheduler.schedule(() => {
    drawn++;
    now += 3;
  });
  assert.equal(frames.length, 1);
  frames.shift()!();
  after.shift()!();
  assert.equal(scheduler.lastFrameCostMs, 3);
  now += 16;
  scheduler.schedule(() => {
    drawn++;
    now += 40; // an overloaded frame: 40 ms of layout and paint
  });
  assert.equal(timers.length, 0, 'a 3 ms frame 16 ms ago needs no pause');
  frames.shift()!();
  after.shift()!();
  assert.equal(scheduler.lastFrameCostMs, 40);
  now += 5;
  scheduler.schedule(() => drawn++);
  assert.equal(frames.length, 0, 'after a 40 ms frame the next one waits');
  assert.equal(timers.length, 1);
  assert.equal(timers[0].at, now + 35, 'it waits the rest of 40 ms');
  now = timers[0].at;
  timers.shift()!.callback();
  frames.shift()!();
  assert.equal(drawn, 3);
});
