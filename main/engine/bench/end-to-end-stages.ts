import { validateConfig } from '../../../shared/config.js';
import { formatFixed, FIXED_SCALE } from '../../../shared/domain.js';
import { MarketKind, MarketRecord, OrderRecord, PersistRecord } from '../../../shared/records.js';
import { monoNowNs, monoNowUs } from '../core/clock.js';
import { Rng } from '../core/rng.js';
import { PaperBroker } from '../execution/paper-broker.js';
import { MarketPipeline } from '../market/market-pipeline.js';
import { StrategyCore, StrategyOutput } from '../strategy/strategy-core.js';
import type { BenchStage } from './bench-stage.js';
import { killSwitchBenchStage } from './kill-switch-stage.js';

const FRAMES = 30_000;
const TICK = 1_000_000; // 0.01 in 1e-8 units
const MID = 60_000 * FIXED_SCALE;

/**
 * Depth frames whose top-5 imbalance swings between the sides every 40 frames, so the
 * imbalance strategy fires, the risk check passes and orders fill: every stage of the
 * tick-to-trade path runs, as in a live market, but without the network.
 */
export function syntheticFeed(): { snapshot: string; frames: Buffer[] } {
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
  for (let n = 0; n < FRAMES; n++) {
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

/** Tick-to-trade in one thread: frame bytes → book → features → signal → risk → order → fill → position. */
function inlineTickToTrade(): BenchStage {
  return {
    name: 'tick-to-trade, one thread (bytes → book → strategy → order → fill)',
    budgetNs: 20_000,
    group: 'end-to-end',
    note: 'per tick that produced an order; the four-thread figure adds two ring hand-overs (see core rows) and is reported by `replay`',
    measure() {
      const config = validateConfig({
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
      const symbols = ['BTCUSDT'];
      let orderId = 0;
      const broker = new PaperBroker(config, {
        symbols,
        strategyIds: ['bench'],
        rng: new Rng(1),
        sink: () => undefined,
      });
      const core = new StrategyCore(config, {
        symbols,
        nextOrderId: () => ++orderId,
        rng: new Rng(2),
      });
      const orderOut = new Float64Array(OrderRecord.SLOTS);
      const signalOut = new Float64Array(PersistRecord.SLOTS);
      const samples = new Float64Array(FRAMES);
      let sampleCount = 0;
      let frameStartNs = 0;
      let measuring = false;
      const pipeline = new MarketPipeline(symbols, {}, (record) => {
        broker.onMarket(record, 0);
        for (let s = 0; s < symbols.length; s++) core.setPosition(s, broker.position(s));
        const flags = core.onMarket(record, 0, orderOut, signalOut);
        if ((flags & StrategyOutput.ORDER) !== 0) {
          broker.onOrder(orderOut, 0);
          if (measuring && record[MarketRecord.KIND] === MarketKind.BOOK)
            samples[sampleCount++] = monoNowNs() - frameStartNs;
        }
      });
      const { snapshot, frames } = syntheticFeed();
      pipeline.onSnapshot('BTCUSDT', snapshot, 1_700_000_000_000_000, monoNowUs());
      for (let n = 0; n < frames.length; n++) {
        measuring = n >= frames.length / 3; // the first third warms the JIT up
        frameStartNs = monoNowNs();
        pipeline.onFrame(frames[n]!, 1_700_000_000_000_000 + n * 100_000, monoNowUs());
      }
      if (sampleCount === 0)
        throw new Error('the synthetic feed produced no orders: the bench would measure nothing');
      return samples.slice(0, sampleCount);
    },
  };
}

export function endToEndBenchStages(): BenchStage[] {
  return [inlineTickToTrade(), killSwitchBenchStage()];
}
