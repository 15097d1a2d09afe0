import { parentPort, workerData } from 'node:worker_threads';
import { SpscRing } from '../../main/engine/core/spsc-ring.js';
import { Doorbell } from '../../main/engine/core/doorbell.js';
import { createWaiter } from '../../main/engine/core/wait-strategy.js';
import type { WaitStrategyName } from '../../shared/config.js';
import { checkStressRecord, writeStressRecord } from './core-stress-records.js';

/** One side of the ring stress test, in its own thread. */
export interface StressWorkerData {
  readonly role: 'producer' | 'consumer';
  readonly ring: SharedArrayBuffer;
  readonly producerBell: SharedArrayBuffer;
  readonly consumerBell: SharedArrayBuffer;
  readonly strategy: WaitStrategyName;
  readonly total: number;
  readonly batch: number;
}

export interface StressWorkerResult {
  readonly role: 'producer' | 'consumer';
  readonly count: number;
  readonly error: string | null;
  readonly parks: number;
}

const data = workerData as StressWorkerData;
const ring = SpscRing.attach(data.ring);
const producerBell = new Doorbell(new Int32Array(data.producerBell));
const consumerBell = new Doorbell(new Int32Array(data.consumerBell));

function produce(): StressWorkerResult {
  // A spinning consumer already owns a core: the producer waits for space by parking,
  // so never more than one thread spins.
  const strategy: WaitStrategyName = data.strategy === 'spin' ? 'block' : data.strategy;
  const waiter = createWaiter(strategy, producerBell, () => ring.freeCount() > 0);
  const records = ring.records;
  let seq = 0;
  while (seq < data.total) {
    const want = Math.min(data.batch, data.total - seq);
    const n = ring.claimBatch(want);
    if (n === 0) {
      waiter.idle();
      continue;
    }
    for (let k = 0; k < n; k++) writeStressRecord(records, ring.claimOffset(k), seq + k);
    ring.publishBatch(n);
    consumerBell.ring();
    waiter.worked();
    seq += n;
  }
  return { role: 'producer', count: seq, error: null, parks: producerBell.parkCount };
}

function consume(): StressWorkerResult {
  const waiter = createWaiter(data.strategy, consumerBell, () => ring.hasData());
  const records = ring.records;
  let seq = 0;
  while (seq < data.total) {
    const n = ring.peekBatch(data.batch);
    if (n === 0) {
      waiter.idle();
      continue;
    }
    for (let k = 0; k < n; k++) {
      const problem = checkStressRecord(records, ring.peekOffset(k), seq + k);
      if (problem !== null)
        return { role: 'consumer', count: seq + k, error: problem, parks: consumerBell.parkCount };
    }
    ring.releaseBatch(n);
    producerBell.ring();
    waiter.worked();
    seq += n;
  }
  // Nothing may arrive after the last record either.
  const extra = ring.peekBatch(1);
  return {
    role: 'consumer',
    count: seq,
    error: extra === 0 ? null : 'a record arrived after the last one',
    parks: consumerBell.parkCount,
  };
}

parentPort!.postMessage(data.role === 'producer' ? produce() : consume());
