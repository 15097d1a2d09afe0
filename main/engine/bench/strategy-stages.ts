import { existsSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  validateConfig,
} from '../../../shared/config.js';
import {
  FIXED_SCALE,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  symbolSpecFor,
} from '../../../shared/domain.js';
import {
  MarketHeader,
  MarketRecord,
  MarketUpdate,
  MAX_LEVELS,
  OrderRecord,
  PersistRecord,
  TradeUpdate,
} from '../../../shared/records.js';
import { monoNowNs } from '../core/clock.js';
import { Rng } from '../core/rng.js';
import { FeatureSet } from '../strategy/features/feature-set.js';
import { FeatureVector } from '../strategy/features/feature-vector.js';
import { OrderFactory } from '../strategy/orders/order-factory.js';
import { RiskValidator } from '../strategy/risk/risk-validator.js';
import { ImbalanceSignalGenerator } from '../strategy/signals/imbalance-signal.js';
import { LOGREG_INPUT_NAME } from '../strategy/signals/logreg-model.js';
import { StrategyCore } from '../strategy/strategy-core.js';
import type { BenchStage } from './bench-stage.js';
import { measureBatched } from './measure.js';

/** DESIGN.md §8 budgets. */
const FEATURES_BUDGET_NS = 10_000;
const SIGNAL_BUDGET_NS = 5_000;
const RISK_BUDGET_NS = 2_000;
const ORDER_BUDGET_NS = 2_000;
const GROUP = 'strategy';
const BATCHED = 'timed in batches of 64 and divided (a clock read costs more than the operation)';
const FAST = { warmup: 50_000, samples: 20_000, batch: 64 } as const;
const PER_CALL = { warmup: 20_000, samples: 20_000, batch: 1 } as const;
/** 10 ms between book updates and a 1000 ms window: ~100 snapshots in the window. */
const TICK_US = 10_000;
const BOOK_POOL = 1024;

/**
 * A pool of full books (20 levels a side) following a random walk, so the extractors see
 * changing mids, imbalances and depths as they would live; the bench rewrites only tsUs.
 */
function bookPool(seed: number): Float64Array {
  const rng = new Rng(seed);
  const pool = new Float64Array(BOOK_POOL * MarketRecord.SLOTS);
  const book = new MarketUpdate();
  let mid = 60_000;
  for (let k = 0; k < BOOK_POOL; k++) {
    const off = k * MarketRecord.SLOTS;
    mid += rng.normal() * 0.5;
    const bestBid = Math.round((mid - 0.005) * 100) / 100;
    book.begin(pool, off, asSymbolIndex(0), k + 1, asTimestampUs(0), 0);
    book.synced = true;
    book.bidCount = MAX_LEVELS;
    book.askCount = MAX_LEVELS;
    for (let i = 0; i < MAX_LEVELS; i++) {
      // Draw order kept: bid qty, then ask qty.
      const bidQty = asQty((1 + rng.int(200_000)) * 1000);
      const askQty = asQty((1 + rng.int(200_000)) * 1000);
      book.setBid(i, asPrice(Math.round((bestBid - i * 0.01) * FIXED_SCALE)), bidQty);
      book.setAsk(i, asPrice(Math.round((bestBid + 0.01 + i * 0.01) * FIXED_SCALE)), askQty);
    }
  }
  return pool;
}

function featureStage(): BenchStage {
  return {
    name: 'feature extraction (all extractors, ~100-snapshot window)',
    budgetNs: FEATURES_BUDGET_NS,
    group: GROUP,
    note: 'one book update through the window push, microstructure, order-book (20 levels) and trade extractors; a trade between books; each call timed',
    measure: () => {
      const pool = bookPool(1);
      const set = new FeatureSet(DEFAULT_STRATEGY_PARAMS);
      const trade = new Float64Array(MarketRecord.SLOTS);
      const print = new TradeUpdate().begin(trade, 0, asSymbolIndex(0), 0, asTimestampUs(0), 0);
      print.price = asPrice(60_000 * FIXED_SCALE);
      print.qty = asQty(0.01 * FIXED_SCALE);
      const header = new MarketHeader();
      return measureBatched(PER_CALL, (i) => {
        const off = (i % BOOK_POOL) * MarketRecord.SLOTS;
        print.tsUs = asTimestampUs(i * TICK_US - 1);
        print.isBuyerMaker = (i & 1) === 1;
        set.onTrade(trade, 0);
        header.at(pool, off).tsUs = asTimestampUs(i * TICK_US);
        set.onBook(pool, off);
      });
    },
  };
}

function signalStage(): BenchStage {
  return {
    name: 'signal generation (imbalance)',
    budgetNs: SIGNAL_BUDGET_NS,
    group: GROUP,
    note: BATCHED,
    measure: () => {
      const rng = new Rng(2);
      const vectors: FeatureVector[] = [];
      const names = new FeatureSet(DEFAULT_STRATEGY_PARAMS).vector.names;
      for (let k = 0; k < 256; k++) {
        const v = new FeatureVector(names);
        v.values[v.slot('imbalance')] = rng.next() * 2 - 1;
        v.values[v.slot('momentum')] = rng.normal() * 0.005;
        v.values[v.slot('volatility')] = rng.next() * 0.01;
        vectors.push(v);
      }
      const generator = new ImbalanceSignalGenerator('imbalance_v1', DEFAULT_STRATEGY_PARAMS);
      let sink = 0;
      const samples = measureBatched(FAST, (i) => {
        sink += generator.generate(vectors[i & 255]!).strength;
      });
      if (Number.isNaN(sink)) throw new Error('unreachable: keeps the result alive');
      return samples;
    },
  };
}

function riskStage(): BenchStage {
  return {
    name: 'risk validation (every check, accepted)',
    budgetNs: RISK_BUDGET_NS,
    group: GROUP,
    note: `all checks run to the end (the slowest path); 4 symbols in the notional sum; ${BATCHED}`,
    measure: () => {
      const risk = new RiskValidator(4, { ...DEFAULT_RISK_LIMITS, max_orders_per_second: 10_000 });
      for (let s = 0; s < 4; s++) {
        risk.setBookSynced(asSymbolIndex(s), true);
        risk.setMark(asSymbolIndex(s), 60_000);
      }
      const qty = asQty(1_000_000);
      const price = asPrice(6_000_000_000_000);
      let sink = 0;
      const samples = measureBatched(FAST, (i) => {
        // 100 µs of data time per order keeps the 10 000/s bucket topped up.
        sink += risk.check(
          asSymbolIndex(i & 3),
          i & 1 ? 1 : -1,
          qty,
          price,
          asTimestampUs(i * 100),
        );
      });
      if (risk.accepted === 0 || Number.isNaN(sink))
        throw new Error('risk bench: nothing was accepted');
      return samples;
    },
  };
}

function orderStage(): BenchStage {
  return {
    name: 'order creation (size, price, ids, record)',
    budgetNs: ORDER_BUDGET_NS,
    group: GROUP,
    note: BATCHED,
    measure: () => {
      const pool = bookPool(3);
      let id = 0;
      const factory = new OrderFactory({
        symbolSpecs: [symbolSpecFor('BTCUSDT')],
        nextOrderId: () => ++id,
        rng: new Rng(4),
        orderType: 'Limit',
        strategyIndex: 0,
      });
      factory.setSizing(DEFAULT_STRATEGY_PARAMS, DEFAULT_RISK_LIMITS);
      const out = new Float64Array(OrderRecord.SLOTS);
      const book = new MarketUpdate();
      const symbol = asSymbolIndex(0);
      return measureBatched(FAST, (i) => {
        const off = (i % BOOK_POOL) * MarketRecord.SLOTS;
        const strength = i & 1 ? 0.7 : -0.7;
        const update = book.read(pool, off);
        if (factory.plan(symbol, strength, 0, update))
          factory.write(out, 0, symbol, update, strength, 0.8);
      });
    },
  };
}

function tickStage(): BenchStage {
  return {
    name: 'strategy tick (StrategyCore.onMarket, features to order)',
    budgetNs: null,
    group: GROUP,
    note: 'the four stages above together on one book update, ~100-snapshot window; each call timed',
    measure: () => {
      const pool = bookPool(5);
      // Every table spelled out: zod v4 does not fill nested defaults from `.default({})`.
      const config = validateConfig({
        market: {},
        strategy: { params: { min_confidence: 0 }, risk_limits: { max_orders_per_second: 10_000 } },
        execution: {},
        engine: {},
        persistence: {},
        metrics: {},
      });
      let id = 0;
      const core = new StrategyCore(config, {
        symbols: ['BTCUSDT'],
        nextOrderId: () => ++id,
        rng: new Rng(6),
      });
      const orderOut = new Float64Array(OrderRecord.SLOTS);
      const signalOut = new Float64Array(PersistRecord.SLOTS);
      const header = new MarketHeader();
      return measureBatched(PER_CALL, (i) => {
        const off = (i % BOOK_POOL) * MarketRecord.SLOTS;
        header.at(pool, off).tsUs = asTimestampUs(i * TICK_US);
        // Alternate the position so sizing keeps producing orders.
        core.setPosition(asSymbolIndex(0), asQty(i & 1 ? 50_000_000 : -50_000_000));
        core.onMarket(pool, off, orderOut, signalOut);
      });
    },
  };
}

/** The shipped model when present (the bench runs from the repo root), else none. */
function shippedModelPath(): string | null {
  const candidate = path.resolve('assets/models/imbalance_logreg.onnx');
  return existsSync(candidate) ? candidate : null;
}

function mlStage(): BenchStage {
  return {
    name: 'ML inference (onnxruntime session.run, off the tick)',
    budgetNs: null,
    group: GROUP,
    note: 'assets/models/imbalance_logreg.onnx, [1,8] float32, CPU, 1 thread; awaited round trip per call. Runs beside the tick loop, never inside it',
    measure: async () => {
      const modelPath = shippedModelPath();
      if (modelPath === null)
        throw new Error(
          'assets/models/imbalance_logreg.onnx is missing: run `lockstep train-model`',
        );
      const session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      });
      const input = new Float32Array(8);
      const feeds = { [LOGREG_INPUT_NAME]: new ort.Tensor('float32', input, [1, 8]) };
      const samples = new Float64Array(5_000);
      for (let i = 0; i < 1_000 + samples.length; i++) {
        input[i & 7] = (i % 13) / 13 - 0.5;
        const start = monoNowNs();
        await session.run(feeds);
        if (i >= 1_000) samples[i - 1_000] = monoNowNs() - start;
      }
      await session.release();
      return samples;
    },
  };
}

export function strategyBenchStages(): BenchStage[] {
  return [featureStage(), signalStage(), riskStage(), orderStage(), tickStage(), mlStage()];
}
