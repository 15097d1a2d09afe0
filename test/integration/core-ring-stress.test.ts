import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SpscRing } from '../../main/engine/core/spsc-ring.js';
import { Doorbell } from '../../main/engine/core/doorbell.js';
import { WAIT_STRATEGIES, type WaitStrategyName } from '../../shared/config.js';
import { STRESS_RECORD_SLOTS } from './core-stress-records.js';
import type { StressWorkerData, StressWorkerResult } from './core-ring-stress-worker.js';

const TOTAL = 10_000_000;
/** Small on purpose: the producer outruns the consumer and hits a full ring often. */
const CAPACITY = 256;
const BATCH = 64;
/** Only against a hang; the test asserts what arrived, never how fast. */
const HANG_GUARD_MS = 60_000;

function runSide(data: StressWorkerData): { result: Promise<StressWorkerResult>; worker: Worker } {
  const worker = new Worker(path.join(__dirname, 'core-ring-stress-worker.js'), {
    workerData: data,
  });
  const result = new Promise<StressWorkerResult>((resolve, reject) => {
    worker.once('message', (message: StressWorkerResult) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`${data.role} exited (code ${code}) before reporting`)),
    );
  });
  return { result, worker };
}

async function stress(
  strategy: WaitStrategyName,
): Promise<{ consumer: StressWorkerResult; producer: StressWorkerResult; fullCount: number }> {
  const ring = SpscRing.create(STRESS_RECORD_SLOTS, CAPACITY);
  const common = {
    ring: ring.buffer,
    producerBell: Doorbell.create().words.buffer as SharedArrayBuffer,
    consumerBell: Doorbell.create().words.buffer as SharedArrayBuffer,
    strategy,
    total: TOTAL,
    batch: BATCH,
  };
  const consumer = runSide({ ...common, role: 'consumer' });
  const producer = runSide({ ...common, role: 'producer' });
  let guard: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    guard = setTimeout(
      () => reject(new Error(`${strategy}: no result within ${HANG_GUARD_MS} ms`)),
      HANG_GUARD_MS,
    );
  });
  try {
    // The consumer decides: on a bad record it stops at once (the producer would then wait
    // forever for space, so its result is only awaited when the consumer got everything).
    const consumed = await Promise.race([consumer.result, hang]);
    if (consumed.error !== null)
      return { consumer: consumed, producer: consumed, fullCount: ring.fullCount() };
    const produced = await Promise.race([producer.result, hang]);
    return { consumer: consumed, producer: produced, fullCount: ring.fullCount() };
  } finally {
    clearTimeout(guard);
    await Promise.all([consumer.worker.terminate(), producer.worker.terminate()]);
  }
}

for (const strategy of WAIT_STRATEGIES) {
  test(`ring stress (${strategy}): ${TOTAL} records across two threads arrive once, in order, bit-exact`, async (t) => {
    const { consumer, producer, fullCount } = await stress(strategy);
    assert.equal(consumer.error, null);
    assert.equal(producer.count, TOTAL);
    assert.equal(consumer.count, TOTAL);
    // Back-pressure must really have happened, or the test proved less than it claims.
    assert.ok(fullCount > 100, `the ring was full only ${fullCount} times`);
    t.diagnostic(
      `${strategy}: full ${fullCount} times, producer parked ${producer.parks}, consumer parked ${consumer.parks}`,
    );
  });
}
