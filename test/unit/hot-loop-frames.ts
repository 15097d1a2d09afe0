import { validateConfig } from '../../shared/config.js';
import { ControlBlock } from '../../main/engine/core/control-block.js';
import { MarketSnapshots } from '../../main/engine/core/market-snapshot.js';
import { HotLoop } from '../../main/engine/process/hot-loop.js';

/** Depth frames for driving the hot loop in-process: bytes rewritten in place, no allocation per tick. */
export const FIRST_ID = 1_000_000_001;
const MID = 60_000;

/** Depth frame bytes with 10-digit U and u at fixed offsets, rewritten in place per tick. */
export function depthTemplate(bidHeavy: boolean): { bytes: Buffer; idAt: number[] } {
  const level = (price: number, qty: number): string =>
    `["${price.toFixed(2)}","${qty.toFixed(8)}"]`;
  const side = (sign: 1 | -1, heavy: boolean): string =>
    Array.from({ length: 5 }, (_, i) => level(MID + sign * (i + 1) * 0.01, heavy ? 2 : 0.1)).join(
      ',',
    );
  const text =
    `{"e":"depthUpdate","E":1700000000000,"s":"BTCUSDT","U":${FIRST_ID},"u":${FIRST_ID},` +
    `"b":[${side(-1, bidHeavy)}],"a":[${side(1, !bidHeavy)}]}`;
  const first = text.indexOf(String(FIRST_ID));
  const second = text.indexOf(String(FIRST_ID), first + 1);
  return { bytes: Buffer.from(text), idAt: [first, second] };
}

export function writeUpdateId(frame: { bytes: Buffer; idAt: number[] }, id: number): void {
  for (const at of frame.idAt) {
    let value = id;
    for (let i = 9; i >= 0; i--) {
      frame.bytes[at + i] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
  }
}

/**
 * Swings the book: ticks alternate 40 bid-heavy and 40 ask-heavy depth frames (ids from
 * FIRST_ID, 1 ms apart), with a trade every tradeEvery ticks; afterTick(n) runs after
 * tick n. Trade ids grow, as they must: the pipeline drops a repeated one.
 */
export function feedSwings(
  loop: HotLoop,
  ticks: number,
  tradeEvery: number,
  options: { buyerMaker?: (tradeId: number) => boolean; afterTick?: (n: number) => void } = {},
): void {
  const frames = [depthTemplate(true), depthTemplate(false)];
  const buyerMaker = options.buyerMaker ?? (() => true);
  const trade = (id: number): Buffer =>
    Buffer.from(
      `{"e":"trade","E":1700000000000,"s":"BTCUSDT","t":${id},"p":"60000.00","q":"0.01000000","T":1700000000000,"m":${buyerMaker(id)}}`,
    );
  for (let n = 0, id = FIRST_ID; n < ticks; n++, id++) {
    const frame = frames[Math.floor(id / 40) % 2]!;
    writeUpdateId(frame, id);
    const tsUs = 1_700_000_000_000_000 + n * 1000;
    loop.onFrame(frame.bytes, tsUs, tsUs);
    if (n % tradeEvery === 0) loop.onFrame(trade(n + 1), tsUs, tsUs);
    options.afterTick?.(n);
  }
}

/**
 * A hot loop (in this thread, sinks that count) whose BTCUSDT book starts from a 20-level
 * snapshot at FIRST_ID - 1, with a config that trades on every swing of depthTemplate.
 */
export function syntheticHotLoop(
  keepWarm = true,
  sinks: {
    persistRow?: (record: Float64Array) => void;
    signalRow?: (record: Float64Array) => void;
    /** Receives the loop's control block, for a test that writes the trading-state word. */
    onControl?: (control: ControlBlock) => void;
  } = {},
  orderType: 'Limit' | 'PostOnly' = 'Limit',
): HotLoop {
  const config = validateConfig({
    strategy: {
      symbols: ['BTCUSDT'],
      order_type: orderType,
      params: { min_confidence: 0.3, imbalance_threshold: 0.2, max_position_size: 100 },
      risk_limits: {
        max_position_size: 1000,
        max_order_size: 500,
        max_notional_exposure: 1e12,
        max_orders_per_second: 10_000,
      },
    },
  });
  const control = ControlBlock.create({ symbols: config.strategy.symbols });
  control.writeParams(config.strategy.params, config.strategy.risk_limits);
  sinks.onControl?.(control);
  let orderId = 0;
  const loop = new HotLoop({
    config,
    control,
    snapshots: MarketSnapshots.create(1),
    nextOrderId: () => ++orderId,
    persistRow: sinks.persistRow ?? (() => undefined),
    signalRow: sinks.signalRow ?? (() => undefined),
    keepWarm,
  });
  const levels = (sign: 1 | -1): string[][] =>
    Array.from({ length: 20 }, (_, i) => [(MID + sign * (i + 1) * 0.01).toFixed(2), '0.5']);
  loop.pipeline.onSnapshot(
    'BTCUSDT',
    JSON.stringify({ lastUpdateId: FIRST_ID - 1, bids: levels(-1), asks: levels(1) }),
    1_700_000_000_000_000,
    0,
  );
  return loop;
}
