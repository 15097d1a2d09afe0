import { parentPort, workerData } from 'node:worker_threads';
import { MarketSnapshots, SnapshotView } from '../../main/engine/core/market-snapshot.js';
import { ControlBlock } from '../../main/engine/core/control-block.js';
import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  type RiskLimits,
  type StrategyParams,
} from '../../shared/config.js';
import { TradingStateCode } from '../../shared/domain.js';

/**
 * Worker roles for the core thread tests. Every value a writer publishes derives from one
 * counter k, so a reader can tell a consistent set from a mix of two writes.
 */
export type ThreadsWorkerData =
  | {
      readonly role: 'snapshot-writer';
      readonly snapshots: SharedArrayBuffer;
      readonly flags: SharedArrayBuffer;
    }
  | {
      readonly role: 'snapshot-reader';
      readonly snapshots: SharedArrayBuffer;
      readonly flags: SharedArrayBuffer;
      /** Read at least this often and until `distinct` snapshots were seen (a loaded machine
       * may not run reader and writer at the same time for a while), at most `maxReads`. */
      readonly reads: number;
      readonly distinct: number;
      readonly maxReads: number;
    }
  | {
      readonly role: 'params-writer';
      readonly control: SharedArrayBuffer;
      readonly maxWrites: number;
    }
  | {
      readonly role: 'params-reader';
      readonly control: SharedArrayBuffer;
      readonly distinct: number;
    }
  | { readonly role: 'state-follower'; readonly control: SharedArrayBuffer };

export interface ThreadsWorkerResult {
  readonly count: number;
  /** The last published value seen (params: the k of the final set). */
  readonly last: number;
  /** Reads that saw a mix of two writes or went backwards: must be 0. */
  readonly bad: number;
  /** Distinct published values seen: shows reads really ran during writes. */
  readonly distinct: number;
  readonly firstProblem: string | null;
}

/** flags words: 0 = stop the writer, 1 = the writer has written at least once. */
const STOP = 0;
const STARTED = 1;

export const snapshotBid = (k: number, symbol: number): number => 1e12 + k * 1000 + symbol;
export const snapshotAsk = (k: number, symbol: number): number =>
  snapshotBid(k, symbol) + 1000 + (k % 97) * 100;
export const snapshotImbalance = (k: number): number =>
  ((k * 7919) % 2_000_000_000) - 1_000_000_000;

function snapshotWriter(snapshots: MarketSnapshots, flags: Int32Array): ThreadsWorkerResult {
  let k = 0;
  while (Atomics.load(flags, STOP) === 0) {
    k++;
    for (let symbol = 0; symbol < 2; symbol++) {
      snapshots.write(
        symbol,
        k * 10,
        snapshotBid(k, symbol),
        snapshotAsk(k, symbol),
        snapshotImbalance(k),
        k % 10007,
        k,
      );
    }
    if (k === 1) Atomics.store(flags, STARTED, 1);
  }
  return { count: k, last: k, bad: 0, distinct: k, firstProblem: null };
}

function snapshotReader(
  snapshots: MarketSnapshots,
  flags: Int32Array,
  minReads: number,
  minDistinct: number,
  maxReads: number,
): ThreadsWorkerResult {
  while (Atomics.load(flags, STARTED) === 0) Atomics.wait(flags, STARTED, 0, 1);
  const view = new SnapshotView();
  const last = [0, 0];
  let bad = 0;
  let distinct = 0;
  let firstProblem: string | null = null;
  let i = 0;
  for (; i < maxReads && (i < minReads || distinct < minDistinct); i++) {
    const symbol = i & 1;
    if (!snapshots.read(symbol, view)) {
      bad++;
      firstProblem ??= `symbol ${symbol} read as never written`;
      continue;
    }
    const k = view.sequence;
    const consistent =
      view.bestBid === snapshotBid(k, symbol) &&
      view.bestAsk === snapshotAsk(k, symbol) &&
      view.mid === (view.bestBid + view.bestAsk) / 2 &&
      view.timestampUs === k * 10 &&
      view.imbalanceE9 === snapshotImbalance(k) &&
      view.spreadBpsE2 === k % 10007;
    if (!consistent || k < last[symbol]!) {
      bad++;
      firstProblem ??= `torn or stale read: ${JSON.stringify(view)} after sequence ${last[symbol]}`;
    }
    if (k !== last[symbol]) distinct++;
    last[symbol] = k;
  }
  return { count: i, last: Math.max(last[0]!, last[1]!), bad, distinct, firstProblem };
}

const PARAM_KEYS = Object.keys(DEFAULT_STRATEGY_PARAMS) as (keyof StrategyParams)[];
const LIMIT_KEYS = Object.keys(DEFAULT_RISK_LIMITS) as (keyof RiskLimits)[];

function paramsWriter(control: ControlBlock, maxWrites: number): ThreadsWorkerResult {
  const params = { ...DEFAULT_STRATEGY_PARAMS };
  const limits = { ...DEFAULT_RISK_LIMITS };
  // Write flat out until the reader has seen enough sets (doneSeq 'strategy' = 1).
  let k = 0;
  while (k < maxWrites && control.doneSeq('strategy') === 0) {
    k++;
    PARAM_KEYS.forEach((key, i) => (params[key] = k + i / 100));
    LIMIT_KEYS.forEach((key, i) => (limits[key] = k * 10 + i));
    control.writeParams(params, limits);
  }
  control.setDoneSeq('market', 1);
  return { count: k, last: k, bad: 0, distinct: k, firstProblem: null };
}

function paramsReader(control: ControlBlock, minDistinct: number): ThreadsWorkerResult {
  const params = { ...DEFAULT_STRATEGY_PARAMS };
  const limits = { ...DEFAULT_RISK_LIMITS };
  let generation = 0;
  let lastK = 0;
  let bad = 0;
  let distinct = 0;
  let reads = 0;
  let firstProblem: string | null = null;
  for (;;) {
    // Read the writer's "done" first, then the params: a final read after it sees the last set.
    const writerDone = control.doneSeq('market') === 1;
    const next = control.readParams(params, limits, generation);
    reads++;
    if (next !== generation) {
      generation = next;
      distinct++;
      const k = params[PARAM_KEYS[0]!];
      const whole =
        PARAM_KEYS.every((key, i) => params[key] === k + i / 100) &&
        LIMIT_KEYS.every((key, i) => limits[key] === k * 10 + i);
      if (!whole || k <= lastK) {
        bad++;
        firstProblem ??= `mixed or stale parameter set after k=${lastK}: ${JSON.stringify({ params, limits })}`;
      }
      lastK = k;
      if (distinct === minDistinct) control.setDoneSeq('strategy', 1);
    }
    if (writerDone) break;
  }
  return { count: reads, last: lastK, bad, distinct, firstProblem };
}

function stateFollower(control: ControlBlock): ThreadsWorkerResult {
  const bell = control.doorbell('execution');
  // Long park timeouts: only the doorbell (rung by the main thread) can wake it in time.
  while (control.tradingState() !== TradingStateCode.HALTED) {
    bell.park(() => control.tradingState() === TradingStateCode.HALTED, 600_000);
  }
  control.setTradingState(TradingStateCode.REDUCING);
  control.setDoneSeq('execution', 1);
  while (!control.stopRequested()) bell.park(() => control.stopRequested(), 600_000);
  control.setDoneSeq('execution', 2);
  return { count: 1, last: 0, bad: 0, distinct: 0, firstProblem: null };
}

function run(data: ThreadsWorkerData): ThreadsWorkerResult {
  switch (data.role) {
    case 'snapshot-writer':
      return snapshotWriter(MarketSnapshots.attach(data.snapshots), new Int32Array(data.flags));
    case 'snapshot-reader':
      return snapshotReader(
        MarketSnapshots.attach(data.snapshots),
        new Int32Array(data.flags),
        data.reads,
        data.distinct,
        data.maxReads,
      );
    case 'params-writer':
      return paramsWriter(ControlBlock.attach(data.control), data.maxWrites);
    case 'params-reader':
      return paramsReader(ControlBlock.attach(data.control), data.distinct);
    case 'state-follower':
      return stateFollower(ControlBlock.attach(data.control));
  }
}

parentPort!.postMessage(run(workerData as ThreadsWorkerData));
