import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MarketRecord, MarketUpdate, OrderRecord } from '../../../shared/records.js';
import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  WAIT_STRATEGIES,
  type WaitStrategyName,
} from '../../../shared/config.js';
import { monoNowNs } from '../core/clock.js';
import { ControlBlock } from '../core/control-block.js';
import { Doorbell } from '../core/doorbell.js';
import { FeatureBuffer } from '../core/feature-buffer.js';
import { LatencyHistogram } from '../core/histogram.js';
import { MarketSnapshots, SnapshotView } from '../core/market-snapshot.js';
import { SpscRing } from '../core/spsc-ring.js';
import type { BenchStage } from './bench-stage.js';
import { HANDOVER_STAMP_SLOT, type HandoverWorkerData } from './core-handover-protocol.js';
import { measureBatched } from './measure.js';

/** DESIGN.md §8: ring send. */
const RING_SEND_BUDGET_NS = 100;
const GROUP = 'core';
const BATCHED = 'timed in batches of 64 and divided (a clock read costs more than the operation)';
const FAST = { warmup: 50_000, samples: 20_000, batch: 64 } as const;

/** Same-thread ring send: claim, copy a whole record in, publish. */
function ringSendStage(name: string, recordSlots: number): BenchStage {
  return {
    name,
    budgetNs: RING_SEND_BUDGET_NS,
    group: GROUP,
    note: `${recordSlots} float64 slots copied per record; ${BATCHED}`,
    measure: () => {
      const ring = SpscRing.create(recordSlots, 1024);
      const record = new Float64Array(recordSlots).map((_, i) => i * 1.5);
      return measureBatched(
        FAST,
        (i) => {
          record[0] = i;
          if (!ring.tryPush(record)) throw new Error('bench ring unexpectedly full');
        },
        () => ring.releaseBatch(ring.peekBatch(1024)),
      );
    },
  };
}

function ringReceiveStage(): BenchStage {
  return {
    name: 'ring receive (peek, read 4 slots, release)',
    budgetNs: null,
    group: GROUP,
    note: BATCHED,
    measure: () => {
      const ring = SpscRing.create(MarketRecord.SLOTS, 1024);
      const fill = (): void => {
        const n = ring.claimBatch(1024);
        for (let k = 0; k < n; k++) ring.records[ring.claimOffset(k)] = k;
        ring.publishBatch(n);
      };
      fill();
      let sink = 0;
      const view = new MarketUpdate();
      const samples = measureBatched(
        FAST,
        () => {
          const r = view.at(ring.records, ring.peek());
          sink += r.kind + r.seq + r.tsUs + r.bidPrice(0);
          ring.release();
        },
        fill,
      );
      if (Number.isNaN(sink)) throw new Error('unreachable: keeps the reads alive');
      return samples;
    },
  };
}

/**
 * One-way hand-over between two threads: publish a record stamped with monoNowNs, the
 * consumer thread (waiting with `strategy`) computes receive time - stamp. The producer
 * parks until each record is acknowledged, so only one thread ever spins.
 */
function handoverStage(strategy: WaitStrategyName): BenchStage {
  const count = strategy === 'block' ? 5_000 : 10_000;
  const warmup = 500;
  return {
    name: `ring hand-over across threads (${strategy})`,
    budgetNs: null,
    group: GROUP,
    note: 'one-way publish → consumer sees it, shared monotonic clock; includes the wake-up when the consumer was parked',
    measure: async () => {
      const total = warmup + count;
      const ring = SpscRing.create(2, 64);
      const doorbell = Doorbell.create();
      const ack = new Int32Array(new SharedArrayBuffer(4));
      const latencies = new Float64Array(new SharedArrayBuffer(8 * total));
      const data: HandoverWorkerData = {
        ring: ring.buffer,
        doorbell: doorbell.words.buffer as SharedArrayBuffer,
        ack: ack.buffer as SharedArrayBuffer,
        latencies: latencies.buffer as SharedArrayBuffer,
        strategy,
        count: total,
      };
      const worker = new Worker(path.join(__dirname, 'core-handover-worker.js'), {
        workerData: data,
      });
      const finished = new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      try {
        for (let i = 0; i < total; i++) {
          const at = ring.claim();
          ring.records[at] = i;
          ring.records[at + HANDOVER_STAMP_SLOT] = monoNowNs();
          ring.publish();
          doorbell.ring();
          // Park until acknowledged; the timeout only guards against a dead worker.
          while (Atomics.load(ack, 0) <= i) {
            if (Atomics.wait(ack, 0, i, 10_000) === 'timed-out' && Atomics.load(ack, 0) <= i) {
              throw new Error(
                `hand-over bench (${strategy}): the consumer thread stopped answering`,
              );
            }
          }
        }
        await finished;
      } finally {
        doorbell.requestStop();
        await worker.terminate();
      }
      return latencies.slice(warmup);
    },
  };
}

function snapshotStages(): BenchStage[] {
  return [
    {
      name: 'market snapshot write (seqlock)',
      budgetNs: null,
      group: GROUP,
      note: BATCHED,
      measure: () => {
        const snapshots = MarketSnapshots.create(1);
        return measureBatched(FAST, (i) =>
          snapshots.write(0, i, 11_900_000_000_000 + i, 11_900_001_000_000 + i, 250_000_000, 84, i),
        );
      },
    },
    {
      name: 'market snapshot read (seqlock)',
      budgetNs: null,
      group: GROUP,
      note: BATCHED,
      measure: () => {
        const snapshots = MarketSnapshots.create(1);
        snapshots.write(0, 1, 11_900_000_000_000, 11_900_001_000_000, 250_000_000, 84, 1);
        const view = new SnapshotView();
        return measureBatched(FAST, () => {
          if (!snapshots.read(0, view)) throw new Error('bench snapshot missing');
        });
      },
    },
  ];
}

function featureBufferStage(): BenchStage {
  return {
    name: 'feature buffer push + window (1000 entries)',
    budgetNs: null,
    group: GROUP,
    note: `window = entries in the last 1 s at 1 update/ms; ${BATCHED}`,
    measure: () => {
      const buffer = new FeatureBuffer(1000);
      let sink = 0;
      const samples = measureBatched(FAST, (i) => {
        const tsUs = i * 1000;
        buffer.push(tsUs, 1e12 + i, 1e12 + i - 50, 1e12 + i + 50, 0.1, 1);
        sink += buffer.window(tsUs - 1_000_000);
      });
      if (sink < 0) throw new Error('unreachable: keeps the window result alive');
      return samples;
    },
  };
}

function histogramStage(): BenchStage {
  return {
    name: 'latency histogram record',
    budgetNs: null,
    group: GROUP,
    note: BATCHED,
    measure: () => {
      const histogram = new LatencyHistogram();
      return measureBatched(FAST, (i) => histogram.record(500 + (i & 4095) * 7));
    },
  };
}

function controlStages(): BenchStage[] {
  const control = ControlBlock.create({ symbols: ['BTCUSDT'] });
  control.writeParams(DEFAULT_STRATEGY_PARAMS, DEFAULT_RISK_LIMITS);
  return [
    {
      name: 'per-tick control check (trading state + params generation)',
      budgetNs: null,
      group: GROUP,
      note: BATCHED,
      measure: () => {
        const params = { ...DEFAULT_STRATEGY_PARAMS };
        const limits = { ...DEFAULT_RISK_LIMITS };
        let generation = control.readParams(params, limits, 0);
        let sink = 0;
        const samples = measureBatched(FAST, () => {
          sink += control.tradingState();
          generation = control.readParams(params, limits, generation);
        });
        if (sink < 0) throw new Error('unreachable: keeps the reads alive');
        return samples;
      },
    },
    {
      name: 'counter add (atomic)',
      budgetNs: null,
      group: GROUP,
      note: BATCHED,
      measure: () => measureBatched(FAST, () => control.add('market_updates')),
    },
    {
      name: 'doorbell ring (consumer not parked)',
      budgetNs: null,
      group: GROUP,
      note: BATCHED,
      measure: () => {
        const doorbell = Doorbell.create();
        return measureBatched(FAST, () => doorbell.ring());
      },
    },
  ];
}

function clockStage(): BenchStage {
  return {
    name: 'clock read (monoNowNs)',
    budgetNs: null,
    group: GROUP,
    note: BATCHED,
    measure: () => {
      let sink = 0;
      const samples = measureBatched(FAST, () => {
        sink += monoNowNs();
      });
      if (sink < 0) throw new Error('unreachable');
      return samples;
    },
  };
}

/** The core rows of `lockstep bench`. */
export function coreBenchStages(): BenchStage[] {
  return [
    ringSendStage('ring send (OrderRecord)', OrderRecord.SLOTS),
    ringSendStage('ring send (MarketRecord)', MarketRecord.SLOTS),
    ringReceiveStage(),
    ...WAIT_STRATEGIES.map(handoverStage),
    ...snapshotStages(),
    featureBufferStage(),
    histogramStage(),
    ...controlStages(),
    clockStage(),
  ];
}
