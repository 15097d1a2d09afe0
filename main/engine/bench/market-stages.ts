import { FIXED_SCALE } from '../../../shared/domain.js';
import { MarketHeader } from '../../../shared/records.js';
import { Rng } from '../core/rng.js';
import { BookSync } from '../market/book-sync.js';
import { DepthSnapshot } from '../market/depth-snapshot.js';
import { FrameParser, ParseStatus } from '../market/frame-parser.js';
import { MarketPipeline } from '../market/market-pipeline.js';
import { OrderBook } from '../market/order-book.js';
import type { BenchStage } from './bench-stage.js';
import { measureBatched } from './measure.js';

/** DESIGN.md §8 budgets. */
const PARSE_BUDGET_NS = 500;
const BOOK_UPDATE_BUDGET_NS = 200;
const GROUP = 'market';
const POOL = 256;
const LEVELS_PER_SIDE = 10;
const MID_TICKS = 6_000_000; // 60000.00 at a 0.01 tick
const TICK = 1_000_000;

const decimal8 = (units: number): string => {
  const whole = Math.floor(units / FIXED_SCALE);
  return `${whole}.${String(units - whole * FIXED_SCALE).padStart(8, '0')}`;
};

/**
 * Binance-shaped combined depth frames, 10 bids + 10 asks each (20 levels), prices near a
 * 60000.00 touch written with 8 decimals as the exchange does, ~30 % removals.
 */
function depthFrames(seed: number): string[] {
  const rng = new Rng(seed);
  const frames: string[] = [];
  let u = 50_093_239_189;
  for (let k = 0; k < POOL; k++) {
    const side = (isBid: boolean) =>
      Array.from({ length: LEVELS_PER_SIDE }, () => {
        const distance = 1 + rng.int(200);
        const tick = isBid ? MID_TICKS - distance : MID_TICKS + distance;
        const qty = rng.next() < 0.3 ? 0 : (1 + rng.int(500_000)) * 1000;
        return [decimal8(tick * TICK), decimal8(qty)];
      });
    const U = u + 1;
    u += 1 + rng.int(20);
    const data = JSON.stringify({
      e: 'depthUpdate',
      E: 1_723_161_255_208 + k * 100,
      s: 'BTCUSDT',
      U,
      u,
      b: side(true),
      a: side(false),
    });
    frames.push(`{"stream":"btcusdt@depth@100ms","data":${data}}`);
  }
  return frames;
}

function scannerStage(): BenchStage {
  return {
    name: 'JSON parse of a depth frame (WebAssembly reader, byte scanner behind it; 20 levels)',
    budgetNs: PARSE_BUDGET_NS,
    group: GROUP,
    note: `~${depthFrames(1)[0]!.length}-byte combined frame from the socket (Buffer) into the reused ParsedFrame, levels as exact 1e-8 integers; each call timed`,
    measure: () => {
      const frames = depthFrames(1).map((text) => Buffer.from(text));
      const parser = new FrameParser(['BTCUSDT', 'ETHUSDT']);
      const samples = measureBatched({ warmup: 20_000, samples: 20_000, batch: 1 }, (i) => {
        parser.parse(frames[i % POOL]!);
      });
      if (parser.fallbackParses !== 0 || parser.malformed !== 0)
        throw new Error('bench frames left the scanner path');
      return samples;
    },
  };
}

function jsonParseStage(): BenchStage {
  return {
    name: 'JSON.parse of the same frame (comparison, no fixed-point conversion)',
    budgetNs: null,
    group: GROUP,
    note: 'Buffer → string → JSON.parse in the same run, for scale: allocates objects and strings per level',
    measure: () => {
      const frames = depthFrames(1).map((text) => Buffer.from(text));
      let sink = 0;
      const samples = measureBatched({ warmup: 20_000, samples: 20_000, batch: 1 }, (i) => {
        const parsed = JSON.parse(frames[i % POOL]!.toString('utf8')) as { data: { u: number } };
        sink += parsed.data.u;
      });
      if (sink === 0) throw new Error('unreachable: keeps the parse alive');
      return samples;
    },
  };
}

function bookLevelStage(): BenchStage {
  return {
    name: 'order book update (per level)',
    budgetNs: BOOK_UPDATE_BUDGET_NS,
    group: GROUP,
    note: 'set or remove one level within 200 ticks of the touch (best kept current); timed in batches of 64 and divided',
    measure: () => {
      const rng = new Rng(2);
      const book = new OrderBook('BTCUSDT');
      const n = 4096;
      const isBid = new Uint8Array(n);
      const prices = new Float64Array(n);
      const qtys = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        isBid[i] = rng.next() < 0.5 ? 1 : 0;
        const distance = 1 + rng.int(200);
        prices[i] = (isBid[i] ? MID_TICKS - distance : MID_TICKS + distance) * TICK;
        qtys[i] = rng.next() < 0.3 ? 0 : (1 + rng.int(500_000)) * 1000;
      }
      return measureBatched({ warmup: 100_000, samples: 20_000, batch: 64 }, (i) => {
        const k = i & (n - 1);
        if (isBid[k]) book.bids.set(prices[k]!, qtys[k]!);
        else book.asks.set(prices[k]!, qtys[k]!);
      });
    },
  };
}

/** Parsed frames re-numbered so every diff continues the last one. */
function syncedBook(): { sync: BookSync; frames: FrameParser[] } {
  const sync = new BookSync('BTCUSDT');
  const snapshot = new DepthSnapshot();
  const bids = Array.from({ length: 200 }, (_, i) => [
    decimal8((MID_TICKS - 1 - i) * TICK),
    '1.00000000',
  ]);
  const asks = Array.from({ length: 200 }, (_, i) => [
    decimal8((MID_TICKS + 1 + i) * TICK),
    '1.00000000',
  ]);
  const problem = snapshot.read({ lastUpdateId: 0, bids, asks });
  if (problem !== null) throw new Error(problem);
  sync.onSnapshot(snapshot);
  const frames = depthFrames(3).map((text) => {
    const parser = new FrameParser(['BTCUSDT']);
    if (parser.parse(text) !== ParseStatus.FAST) throw new Error('bench frame did not scan');
    return parser;
  });
  return { sync, frames };
}

function bookMessageStage(): BenchStage {
  return {
    name: 'order book update (per message, 20 levels, sync checks)',
    budgetNs: null,
    group: GROUP,
    note: 'one parsed depth diff through the sync procedure (continuity, 20 level updates, crossed check); each call timed',
    measure: () => {
      const { sync, frames } = syncedBook();
      return measureBatched({ warmup: 50_000, samples: 20_000, batch: 1 }, (i) => {
        const frame = frames[i % POOL]!.frame;
        frame.firstUpdateId = sync.lastUpdateId + 1;
        frame.lastUpdateId = sync.lastUpdateId + 1;
        if (sync.onDiff(frame) !== 1) throw new Error('bench diff did not apply');
      });
    },
  };
}

function pipelineStage(): BenchStage {
  return {
    name: 'market pipeline per depth frame (parse + sync + 20-level record)',
    budgetNs: null,
    group: GROUP,
    note: 'MarketPipeline.onFrame on a Buffer: everything the market-data thread does before the ring send; each call timed',
    measure: () => {
      let emitted = 0;
      const header = new MarketHeader();
      const pipeline = new MarketPipeline(
        ['BTCUSDT'],
        {},
        (record) => (emitted += header.at(record, 0).kind),
      );
      const bids = Array.from({ length: 200 }, (_, i) => [
        decimal8((MID_TICKS - 1 - i) * TICK),
        '1.00000000',
      ]);
      const asks = Array.from({ length: 200 }, (_, i) => [
        decimal8((MID_TICKS + 1 + i) * TICK),
        '1.00000000',
      ]);
      pipeline.onSnapshot('BTCUSDT', { lastUpdateId: 0, bids, asks }, 0);
      // Frames numbered 1, 2, 3, ... in advance, so every one continues the previous.
      const total = 60_000; // warm-up + samples: one fresh frame per call
      const templates = depthFrames(4);
      const frames = Array.from({ length: total }, (_, k) =>
        Buffer.from(templates[k % POOL]!.replace(/"U":\d+,"u":\d+/, `"U":${k + 1},"u":${k + 1}`)),
      );
      const samples = measureBatched({ warmup: 40_000, samples: 20_000, batch: 1 }, (i) => {
        pipeline.onFrame(frames[i]!, i, 0);
      });
      if (pipeline.counters.gaps !== 0 || pipeline.counters.bookUpdates < total || emitted === 0) {
        throw new Error(`bench pipeline lost sync: ${JSON.stringify(pipeline.counters)}`);
      }
      return samples;
    },
  };
}

/** The market-data rows of `lockstep bench`. */
export function marketBenchStages(): BenchStage[] {
  return [scannerStage(), jsonParseStage(), bookLevelStage(), bookMessageStage(), pipelineStage()];
}
