import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameOutcome, MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import { TRADE_ID_WINDOW, TradeIdFilter } from '../../main/engine/market/trade-id-filter.js';
import { RecordLog, tradeFrame } from './market-helpers.js';

const ids = (filter: TradeIdFilter, list: number[]): boolean[] =>
  list.map((tradeId) => filter.accept({ tradeId }));

test('a trade id is accepted once: repeats, near or far in the window, are refused', () => {
  const filter = new TradeIdFilter();
  const big = 3_700_000_000; // real BTCUSDT ids are past 2^31
  assert.deepEqual(ids(filter, [big, big, big + 1, big, big + 1]), [
    true,
    false,
    true,
    false,
    false,
  ]);
  // Out of order within the window: each id once, whichever comes first.
  assert.deepEqual(
    ids(filter, [big + 40, big + 3, big + 2, big + 3, big + 39, big + 40, big + 2]),
    [true, true, true, false, true, false, false],
  );
  // Exactly at the window's far edge, then beyond it.
  const edge = big + 40 - (TRADE_ID_WINDOW - 1);
  assert.deepEqual(ids(filter, [edge, edge, edge - 1]), [true, false, false]);
  // A jump wider than the window forgets the old bits but never re-accepts an id below.
  assert.deepEqual(ids(filter, [big + 1000, big + 40, big + 999, big + 999]), [
    true,
    false,
    true,
    false,
  ]);
  filter.reset();
  assert.deepEqual(ids(filter, [5, 5]), [true, false]);
});

test('the window matches a Set of seen ids on random streams with repeats and reordering', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let round = 0; round < 50; round++) {
    const filter = new TradeIdFilter();
    const seen = new Set<number>();
    let highest = -1;
    let next = 2_000_000_000 + round * 1000;
    for (let i = 0; i < 2000; i++) {
      // Mostly the next id, sometimes a repeat or a late one a few ids back.
      const r = random();
      const id =
        r < 0.6
          ? next++
          : r < 0.8
            ? next - 1 - Math.floor(random() * 10)
            : next + Math.floor(random() * 5);
      const expected = !seen.has(id) && (highest < 0 || id > highest - TRADE_ID_WINDOW);
      assert.equal(filter.accept({ tradeId: id }), expected, `round ${round} step ${i} id ${id}`);
      if (expected) seen.add(id);
      highest = Math.max(highest, id);
      next = Math.max(next, id + 1);
    }
  }
});

test('the pipeline counts and emits a duplicated trade frame once, per symbol, and forgets ids on reconnect', () => {
  const log = new RecordLog();
  const p = new MarketPipeline(['BTCUSDT', 'ETHUSDT'], {}, log.sink);
  const btc = tradeFrame('BTCUSDT', 3_700_000_001, '61000.00', '0.5', false);
  const eth = tradeFrame('ETHUSDT', 3_700_000_001, '2600.00', '1.5', true);
  assert.equal(p.onFrame(btc, 1, 1), FrameOutcome.TRADE);
  assert.equal(p.onFrame(btc, 2, 2), FrameOutcome.STALE);
  assert.equal(p.onFrame(eth, 3, 3), FrameOutcome.TRADE, 'the same id on another symbol');
  assert.equal(p.onFrame(eth, 3, 3), FrameOutcome.STALE);
  assert.equal(p.counters.trades, 2);
  assert.equal(p.counters.duplicateTrades, 2);
  assert.deepEqual(
    log.trades().map((trade) => [trade.symbol, trade.tradeId]),
    [
      [0, 3_700_000_001],
      [1, 3_700_000_001],
    ],
  );
  p.resetForReconnect();
  assert.equal(
    p.onFrame(tradeFrame('BTCUSDT', 17, '61000.00', '0.5', false), 4, 4),
    FrameOutcome.TRADE,
  );
});
