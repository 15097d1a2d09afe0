import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlBlock } from '../../main/engine/core/control-block.js';
import {
  COUNTER_NAMES,
  DEFAULT_RING_NAMES,
  LATENCY_STAGES,
  type CounterName,
} from '../../main/engine/core/control-tables.js';
import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  type RiskLimits,
  type StrategyParams,
} from '../../shared/config.js';
import { FEED_STATES, REJECT_REASONS, TradingStateCode } from '../../shared/domain.js';

const newBlock = () => ControlBlock.create({ symbols: ['BTCUSDT', 'ETHUSDT'] });

test('control block: attach from the buffer alone sees the same words', () => {
  const block = newBlock();
  const other = ControlBlock.attach(block.buffer);
  assert.deepEqual(other.symbols, ['BTCUSDT', 'ETHUSDT']);
  assert.deepEqual(other.ringNames, [...DEFAULT_RING_NAMES]);
  block.setTradingState(TradingStateCode.HALTED);
  assert.equal(other.tradingState(), TradingStateCode.HALTED);
  other.setFeedState(1, FEED_STATES.indexOf('live'));
  assert.equal(block.feedState(1), FEED_STATES.indexOf('live'));
  assert.equal(block.feedState(0), 0);
  block.add('fills', 3);
  assert.equal(other.counter('fills'), 3);
  block.histogram('tick_to_trade').record(1234);
  assert.equal(other.histogram('tick_to_trade').count, 1);
  assert.equal(other.histogram('parse').count, 0);
  block.setRingUtilization('market_to_strategy', 0.25);
  block.setRingFullEvents('market_to_strategy', 7);
  assert.equal(other.ringUtilization('market_to_strategy'), 0.25);
  assert.equal(other.ringFullEvents('market_to_strategy'), 7);
  assert.deepEqual(Object.keys(other.ringUtilizations()), [...DEFAULT_RING_NAMES]);
});

test('control block: trading state starts ACTIVE; a bad code is refused and changes nothing', () => {
  const block = newBlock();
  assert.equal(block.tradingState(), TradingStateCode.ACTIVE);
  assert.equal(block.setTradingState(TradingStateCode.REDUCING), TradingStateCode.ACTIVE);
  assert.throws(() => block.setTradingState(7), /trading state code must be one of 0, 1, 2/);
  assert.equal(block.tradingState(), TradingStateCode.REDUCING);
  assert.throws(() => block.setFeedState(0, FEED_STATES.length), /index in FEED_STATES/);
  assert.throws(() => block.setFeedState(2, 0), /symbol index 2 is outside 0\.\.1/);
});

test('control block: params are swapped as a whole set with a generation', () => {
  const block = newBlock();
  const params: StrategyParams = { ...DEFAULT_STRATEGY_PARAMS };
  const limits: RiskLimits = { ...DEFAULT_RISK_LIMITS };
  assert.equal(block.readParams(params, limits, 0), 0, 'never written: unchanged');
  block.writeParams(
    { ...DEFAULT_STRATEGY_PARAMS, imbalance_threshold: 0.42 },
    { ...DEFAULT_RISK_LIMITS, max_order_size: 0.25 },
  );
  const generation = block.readParams(params, limits, 0);
  assert.ok(generation > 0);
  assert.equal(params.imbalance_threshold, 0.42);
  assert.equal(limits.max_order_size, 0.25);
  assert.deepEqual(params, { ...DEFAULT_STRATEGY_PARAMS, imbalance_threshold: 0.42 });
  params.imbalance_threshold = -1;
  assert.equal(block.readParams(params, limits, generation), generation);
  assert.equal(params.imbalance_threshold, -1, 'unchanged generation copies nothing');
  // A bad set is refused whole; the live set stays.
  assert.throws(
    () =>
      block.writeParams({ ...DEFAULT_STRATEGY_PARAMS, min_confidence: NaN }, DEFAULT_RISK_LIMITS),
    /strategy\.params\.min_confidence is not a finite number/,
  );
  assert.equal(block.paramsGeneration(), generation);
  const fresh: StrategyParams = { ...DEFAULT_STRATEGY_PARAMS };
  block.readParams(fresh, { ...DEFAULT_RISK_LIMITS }, 0);
  assert.equal(fresh.imbalance_threshold, 0.42);
});

test('control block: counters for every declared name, exact past 2^32', () => {
  const block = newBlock();
  assert.equal(new Set(COUNTER_NAMES).size, COUNTER_NAMES.length);
  for (const reason of REJECT_REASONS) assert.ok(COUNTER_NAMES.includes(`rejected_${reason}`));
  const all = block.counters();
  assert.deepEqual(Object.keys(all), [...COUNTER_NAMES]);
  assert.ok(Object.values(all).every((v) => v === 0));
  block.add('market_updates', 0xffffffff);
  block.add('market_updates', 0xffffffff);
  block.add('market_updates');
  assert.equal(block.counter('market_updates'), 2 * 0xffffffff + 1);
  block.addAt(COUNTER_NAMES.indexOf('gaps'), 2);
  assert.equal(block.counter('gaps'), 2);
  assert.equal(block.counter('book_updates'), 0, 'neighbours untouched');
  assert.throws(() => block.add('nope' as CounterName), /unknown counter "nope"/);
  assert.throws(() => block.add('fills', -1), /integer in 0\.\.2\^32-1, got -1/);
  assert.throws(() => block.add('fills', 1.5), /got 1\.5/);
});

test('control block: one histogram per stage, unknown names refused', () => {
  const block = newBlock();
  for (const stage of LATENCY_STAGES) {
    block.histogram(stage).record(100);
    assert.equal(block.histogram(stage).count, 1, stage);
  }
  assert.throws(
    () => block.setRingUtilization('nope', 1),
    /unknown ring "nope"; this control block has market_to_strategy/,
  );
  assert.throws(() => ControlBlock.create({ symbols: [] }), /at least one symbol/);
  assert.throws(
    () => ControlBlock.create({ symbols: ['A'], ringNames: ['x', 'x'] }),
    /ring names must be unique/,
  );
  assert.throws(
    () => ControlBlock.attach(new SharedArrayBuffer(256)),
    /not made by ControlBlock\.create/,
  );
});

test('control block: done-seq barriers wait, time out, and stop', async () => {
  const block = newBlock();
  assert.equal(block.doneSeq('strategy'), 0);
  block.setDoneSeq('strategy', 5);
  assert.equal(block.waitForDoneSeq('strategy', 5, 1000), true);
  assert.equal(block.waitForDoneSeq('strategy', 6, 5), false, 'times out');
  const later = block.waitForDoneSeqAsync('execution', 3, 10_000);
  setTimeout(() => block.setDoneSeq('execution', 3), 5);
  assert.equal(await later, true);
  const stopped = block.waitForDoneSeqAsync('persistence', 1, 10_000);
  setTimeout(() => block.requestStop(), 5);
  assert.equal(await stopped, false);
  assert.equal(block.stopRequested(), true);
  assert.equal(
    block.doorbell('market').stopRequested(),
    true,
    'stop reaches every thread doorbell',
  );
  assert.throws(() => block.setDoneSeq('market', -1), /0\.\.2\^31-1, got -1/);
});
