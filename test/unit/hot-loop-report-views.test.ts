import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderView } from '../../shared/api.js';
import { TradingStateCode } from '../../shared/domain.js';
import type { ControlBlock } from '../../main/engine/core/control-block.js';
import type { WorkerReport } from '../../main/engine/process/worker-messages.js';
import type { HotLoop } from '../../main/engine/process/hot-loop.js';
import { feedSwings, syntheticHotLoop } from './hot-loop-frames.js';

// The window's views of orders, fills and signals are kept from one report to the next
// and built again only when what they show changed. Two loops get the same frames: one
// reports every few ticks (its views kept across changes), the other only at the end
// (every view built then). Their reports must be the same.
const TICKS = 6_000;

/** Runs the frames, reporting every reportEvery ticks; counts orders whose status moved between reports. */
function run(
  loop: HotLoop,
  reportEvery: number,
  changes: { count: number } = { count: 0 },
): WorkerReport[] {
  const seen = new Map<number, OrderView>();
  feedSwings(loop, TICKS, 7, {
    buyerMaker: (id) => id % 2 === 0,
    afterTick: (n) => {
      if (n % reportEvery !== 0) return;
      const execution = loop.reports()[2]!;
      if (execution.kind !== 'execution') return;
      for (const order of execution.orders) {
        const before = seen.get(order.orderId);
        if (before !== undefined && before.status !== order.status) changes.count++;
        seen.set(order.orderId, order);
      }
    },
  });
  return loop.reports();
}

/** The parts of a report that do not depend on when it was made. */
function comparable(reports: WorkerReport[]): unknown {
  const [, strategy, execution] = reports;
  if (strategy?.kind !== 'strategy' || execution?.kind !== 'execution')
    throw new Error('reports out of order');
  const { heapUsedBytes: _heap, ...rest } = execution;
  return { strategy, execution: rest };
}

test('kept views equal views built afresh, through orders that change after they were shown', () => {
  const changes = { count: 0 };
  const often = run(syntheticHotLoop(false, {}, 'PostOnly'), 13, changes);
  const once = run(syntheticHotLoop(false, {}, 'PostOnly'), Number.MAX_SAFE_INTEGER);
  assert.deepEqual(comparable(often), comparable(once));
  // The case that matters happened: orders shown, then changed, then shown again.
  assert.ok(changes.count > 10, `orders changed between reports: ${changes.count}`);
  const execution = often[2]!;
  assert.ok(execution.kind === 'execution' && execution.fills.length > 0);
});

test('an unchanged order, fill or signal keeps its view object between reports', () => {
  const loop = syntheticHotLoop(false, {}, 'PostOnly');
  run(loop, Number.MAX_SAFE_INTEGER);
  const [, strategyA, executionA] = loop.reports();
  const [, strategyB, executionB] = loop.reports();
  if (
    strategyA?.kind !== 'strategy' ||
    strategyB?.kind !== 'strategy' ||
    executionA?.kind !== 'execution' ||
    executionB?.kind !== 'execution'
  )
    throw new Error('reports out of order');
  assert.ok(executionA.orders.length > 0 && executionA.fills.length > 0);
  assert.ok(executionA.orders.every((order, i) => executionB.orders[i] === order));
  assert.ok(executionA.fills.every((fill, i) => executionB.fills[i] === fill));
  assert.ok(strategyA.signals.length > 0);
  assert.ok(strategyA.signals.every((signal, i) => strategyB.signals[i] === signal));
});

test('a halt written while the reports are made is acted on inside them, before the orders are read', () => {
  let control: ControlBlock | null = null;
  const loop = syntheticHotLoop(false, { onControl: (c) => (control = c) }, 'PostOnly');
  run(loop, Number.MAX_SAFE_INTEGER);
  const open = (reports: WorkerReport[]): number => {
    const execution = reports[2]!;
    return execution.kind === 'execution'
      ? execution.orders.filter((o) => o.status === 'Open' || o.status === 'PartiallyFilled').length
      : -1;
  };
  assert.ok(open(loop.reports()) > 0, 'orders rest before the halt');
  // The word is written; no frame follows. The reports themselves must act on it.
  control!.setTradingState(TradingStateCode.HALTED);
  const reports = loop.reports();
  const execution = reports[2]!;
  assert.ok(execution.kind === 'execution');
  assert.equal(execution.appliedState, TradingStateCode.HALTED);
  assert.equal(open(reports), 0, 'the same report shows them cancelled');
});
