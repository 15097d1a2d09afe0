import { validateConfig, type Config } from '../../../shared/config.js';
import { formatFixed, FIXED_SCALE } from '../../../shared/domain.js';
import { asSymbolIndex } from '../../../shared/domain.js';
import { MarketHeader, MarketKind, OrderRecord, PersistRecord } from '../../../shared/records.js';
import { monoNowUs } from '../core/clock.js';
import { Rng } from '../core/rng.js';
import { PaperBroker } from '../execution/paper-broker.js';
import { MarketPipeline } from '../market/market-pipeline.js';
import { StrategyCore, StrategyOutput } from '../strategy/strategy-core.js';

const TICK = 1_000_000; // 0.01 in 1e-8 units
const MID = 60_000 * FIXED_SCALE;

/** A config under which the synthetic feed trades on most swings (bench and warm-up). */
function tickToTradeConfig(): Config {
  return validateConfig({
    strategy: {
      params: { min_confidence: 0.4, imbalance_threshold: 0.2, max_position_size: 100 },
      risk_limits: {
        max_position_size: 1000,
        max_order_size: 500,
        max_notional_exposure: 1e12,
        max_orders_per_second: 10_000,
      },
    },
  });
}

/**
 * Depth frames whose top-5 imbalance swings between the sides every 40 frames, so the
 * imbalance strategy fires, the risk check passes and orders fill: every stage of the
 * tick-to-trade path runs, as in a live market, but without the network.
 */
function syntheticFeed(count: number): { snapshot: string; frames: Buffer[] } {
  const level = (price: number, qty: number): string =>
    `["${formatFixed(price)}","${formatFixed(qty)}"]`;
  const bids: string[] = [];
  const asks: string[] = [];
  for (let i = 0; i < 20; i++) {
    bids.push(level(MID - (i + 1) * TICK, 50_000_000));
    asks.push(level(MID + (i + 1) * TICK, 50_000_000));
  }
  const snapshot = `{"lastUpdateId":1000,"bids":[${bids.join(',')}],"asks":[${asks.join(',')}]}`;
  const rng = new Rng(7);
  const frames: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    const bidHeavy = Math.floor(n / 40) % 2 === 0;
    const changed = (heavy: boolean, side: 1 | -1): string[] => {
      const out: string[] = [];
      for (let i = 0; i < 5; i++) {
        const qty = (heavy ? 200_000_000 : 10_000_000) + rng.int(1000) * 1000;
        out.push(level(MID + side * (i + 1) * TICK, qty));
      }
      return out;
    };
    const id = 1001 + n;
    frames.push(
      Buffer.from(
        `{"e":"depthUpdate","E":${1_700_000_000_000 + n * 100},"s":"BTCUSDT","U":${id},"u":${id},` +
          `"b":[${changed(bidHeavy, -1).join(',')}],"a":[${changed(!bidHeavy, 1).join(',')}]}`,
      ),
    );
  }
  return { snapshot, frames };
}

export interface SyntheticChainHooks {
  /** Called before frame n is handed to the pipeline. */
  beforeFrame?(n: number): void;
  /** Called when a book update produced an order and the broker handled it. */
  afterOrder?(n: number): void;
}

/**
 * Runs the synthetic feed through the whole tick-to-trade chain in this thread: pipeline
 * → paper broker (book) → StrategyCore → broker (order). Throwaway instances with their
 * own ids and seeds, sinks that discard: no effect on the running engine.
 */
export function runSyntheticChain(count: number, hooks: SyntheticChainHooks = {}): number {
  const config = tickToTradeConfig();
  const symbols = ['BTCUSDT'];
  let orderId = 0;
  const broker = new PaperBroker(config, {
    symbols,
    strategyIds: ['synthetic'],
    rng: new Rng(1),
    sink: () => undefined,
  });
  const core = new StrategyCore(config, { symbols, nextOrderId: () => ++orderId, rng: new Rng(2) });
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  let frame = 0;
  let orders = 0;
  const header = new MarketHeader();
  const btc = asSymbolIndex(0);
  const pipeline = new MarketPipeline(symbols, {}, (record) => {
    broker.onMarket(record, 0);
    core.setPosition(btc, broker.position(btc));
    const flags = core.onMarket(record, 0, orderOut, signalOut);
    if ((flags & StrategyOutput.ORDER) !== 0) {
      broker.onOrder(orderOut, 0);
      orders++;
      if (header.at(record, 0).kind === MarketKind.BOOK) hooks.afterOrder?.(frame);
    }
  });
  const { snapshot, frames } = syntheticFeed(count);
  pipeline.onSnapshot('BTCUSDT', snapshot, 1_700_000_000_000_000, monoNowUs());
  for (frame = 0; frame < frames.length; frame++) {
    hooks.beforeFrame?.(frame);
    pipeline.onFrame(frames[frame]!, 1_700_000_000_000_000 + frame * 100_000, monoNowUs());
  }
  return orders;
}
