import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateConfig } from '../../../shared/config.js';
import {
  asOrderId,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  OrderTypeCode,
} from '../../../shared/domain.js';
import {
  FillRow,
  MarketHeader,
  MarketRecord,
  MarketUpdate,
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
  PersistRecord,
  TradeUpdate,
} from '../../../shared/records.js';
import { monoNowNs } from '../core/clock.js';
import { Rng } from '../core/rng.js';
import { PaperBroker } from '../execution/paper-broker.js';
import { Liquidity, PositionBook } from '../execution/positions.js';
import { PersistenceWriter } from '../persistence/sqlite-writer.js';
import type { BenchStage } from './bench-stage.js';
import { measureBatched } from './measure.js';

/** DESIGN.md §8 budgets. */
const FILL_BUDGET_NS = 3_000;
const POSITION_BUDGET_NS = 1_000;
const GROUP = 'execution';
const BTC = 11_900_000_000_000; // 119000 USDT in 1e-8 units: price × qty leaves 2^53, as live
const LOT = 1_000_000; // 0.01 BTC

/** Fees on, so the fee arithmetic is measured too. */
const benchConfig = () =>
  validateConfig({ execution: { taker_fee_bps: 1, maker_fee_bps: 0.5, fill_probability: 0.1 } });

const bookOut = new MarketUpdate();

function book(
  ts: number,
  mid: number,
  rec: Float64Array = new Float64Array(MarketRecord.SLOTS),
): Float64Array {
  const update = bookOut.begin(rec, 0, asSymbolIndex(0), 0, asTimestampUs(ts), 0);
  update.synced = true;
  update.bidCount = 20;
  update.askCount = 20;
  for (let i = 0; i < 20; i++) {
    update.setBid(i, asPrice(mid - (i + 1) * 1_000_000), asQty(LOT * (1 + (i % 3))));
    update.setAsk(i, asPrice(mid + (i + 1) * 1_000_000), asQty(LOT * (1 + (i % 3))));
  }
  return rec;
}

function broker(): PaperBroker {
  return new PaperBroker(benchConfig(), {
    symbols: ['BTCUSDT'],
    strategyIds: ['imbalance_v1'],
    rng: new Rng(42),
    sink: () => {},
  });
}

/** A market order that walks three levels: 3 taker fills, 3 position updates, 3 FILL + 2 ORDER rows. */
function fillSimulationStage(): BenchStage {
  return {
    name: 'fill simulation (market order walking 3 levels, positions and rows included)',
    budgetNs: FILL_BUDGET_NS,
    group: GROUP,
    note: 'per order, timed one at a time; the book is re-sent (untimed) after each so every order walks the same levels',
    measure() {
      const b = broker();
      const bookRec = book(1, BTC);
      const bookHeader = new MarketHeader().at(bookRec, 0);
      let bookTs = 1;
      const order = new Float64Array(OrderRecord.SLOTS);
      const cmd = new OrderCommand().begin(order, 0, OrderCommandKind.NEW);
      cmd.type = OrderTypeCode.Market;
      cmd.qty = asQty(LOT * 4); // 1 + 2 + 1 lots over three levels
      b.onMarket(bookRec, 0);
      return measureBatched(
        { warmup: 20_000, samples: 20_000, batch: 1 },
        (i) => {
          cmd.orderId = asOrderId(i + 1);
          cmd.side = i % 2 === 0 ? 1 : -1; // the position swings, never grows
          cmd.tsUs = asTimestampUs(bookTs);
          b.onOrder(order, 0);
        },
        () => {
          bookHeader.tsUs = asTimestampUs(++bookTs);
          b.onMarket(bookRec, 0);
        },
      );
    },
  };
}

/** A trade print against ten resting orders at the touch: queue updates, one fill. */
function restingOrdersStage(): BenchStage {
  return {
    name: 'resting orders: trade print against 10 queued orders',
    budgetNs: null,
    group: GROUP,
    note: 'per trade record; comparison only',
    measure() {
      const b = broker();
      const bookRec = book(1, BTC);
      b.onMarket(bookRec, 0);
      const order = new Float64Array(OrderRecord.SLOTS);
      const cmd = new OrderCommand().begin(order, 0, OrderCommandKind.NEW);
      cmd.type = OrderTypeCode.Limit;
      cmd.side = 1;
      cmd.price = asPrice(BTC - 1_000_000);
      cmd.qty = asQty(1);
      let nextId = 1;
      const refill = (): void => {
        while (b.openOrders().length < 10) {
          cmd.orderId = asOrderId(nextId++);
          b.onOrder(order, 0);
        }
      };
      refill();
      const trade = new Float64Array(MarketRecord.SLOTS);
      const print = new TradeUpdate();
      let ts = 2;
      return measureBatched(
        { warmup: 5_000, samples: 5_000, batch: 1 },
        () => {
          const t = print.begin(trade, 0, asSymbolIndex(0), 0, asTimestampUs(ts++), 0);
          t.price = asPrice(BTC - 1_000_000);
          t.qty = asQty(LOT / 100);
          b.onMarket(trade, 0);
        },
        refill,
      );
    },
  };
}

function positionUpdateStage(): BenchStage {
  return {
    name: 'position update (average cost, realized PnL, fee)',
    budgetNs: POSITION_BUDGET_NS,
    group: GROUP,
    note: 'timed in batches of 64 and divided; BTC prices, so price × qty leaves 2^53 as it does live',
    measure() {
      const positions = new PositionBook(1, 1, { makerFeeBps: 0.5, takerFeeBps: 1 });
      const rng = new Rng(7);
      const prices = new Float64Array(4096);
      const sizes = new Float64Array(4096);
      for (let i = 0; i < prices.length; i++) {
        prices[i] = BTC + rng.int(100_000) * 1_000_000;
        sizes[i] = LOT * (1 + rng.int(50));
      }
      return measureBatched({ warmup: 100_000, samples: 20_000, batch: 64 }, (i) => {
        const k = i & 4095;
        positions.applyFill(
          0,
          0,
          (i & 1) === 0 ? 1 : -1,
          prices[k]!,
          sizes[k]!,
          (i & 2) === 0 ? Liquidity.TAKER : Liquidity.MAKER,
        );
      });
    },
  };
}

/** Rows per transaction in the persistence row. */
const BATCH_ROWS = 500;

function persistenceStage(): BenchStage {
  return {
    name: `persistence batch insert (ns per FILL row, ${BATCH_ROWS}-row transactions; rows/s = 1e9 / ns)`,
    budgetNs: null,
    group: GROUP,
    note: 'a trade insert + position upsert per row, WAL, synchronous = NORMAL, on the temp directory’s disk',
    measure() {
      const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-bench-'));
      try {
        const writer = new PersistenceWriter(path.join(dir, 'bench.sqlite'), {
          symbols: ['BTCUSDT'],
          strategyIds: ['imbalance_v1'],
          batchRows: 1000,
        });
        const row = new Float64Array(PersistRecord.SLOTS);
        const fill = new FillRow().begin(row, 0);
        fill.side = 1;
        fill.orderId = asOrderId(1);
        fill.price = asPrice(BTC);
        fill.qty = asQty(LOT);
        fill.positionAvgCost = asPrice(BTC);
        let tradeId = 1;
        const samples = new Float64Array(60);
        for (let s = -10; s < samples.length; s++) {
          for (let r = 0; r < BATCH_ROWS; r++) {
            fill.tradeId = tradeId;
            fill.tsUs = asTimestampUs(1_752_000_000_000_000 + tradeId);
            fill.positionQty = asQty(tradeId * LOT);
            tradeId++;
            writer.writeRecord(row, 0);
          }
          const start = monoNowNs();
          const written = writer.flush();
          const elapsed = monoNowNs() - start;
          if (written !== BATCH_ROWS)
            throw new Error(`persistence bench wrote ${written} of ${BATCH_ROWS} rows`);
          if (s >= 0) samples[s] = elapsed / BATCH_ROWS;
        }
        writer.close();
        return samples;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export function executionBenchStages(): BenchStage[] {
  return [fillSimulationStage(), restingOrdersStage(), positionUpdateStage(), persistenceStage()];
}
