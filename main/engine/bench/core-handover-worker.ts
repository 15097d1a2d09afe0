import { parentPort, workerData } from 'node:worker_threads';
import { monoNowNs } from '../core/clock.js';
import { Doorbell } from '../core/doorbell.js';
import { SpscRing } from '../core/spsc-ring.js';
import { createWaiter } from '../core/wait-strategy.js';
import { HANDOVER_STAMP_SLOT, type HandoverWorkerData } from './core-handover-protocol.js';

/**
 * Consumer side of the cross-thread hand-over bench: receives records stamped with
 * monoNowNs at publish, writes (receive time - stamp) per record, and acknowledges each so
 * the producer sends the next one only after (it measures a hand-over, not a queue).
 */

const data = workerData as HandoverWorkerData;
const ring = SpscRing.attach(data.ring);
const doorbell = new Doorbell(new Int32Array(data.doorbell));
const ack = new Int32Array(data.ack);
const latencies = new Float64Array(data.latencies);
const waiter = createWaiter(data.strategy, doorbell, () => ring.hasData());

let received = 0;
while (received < data.count && !doorbell.stopRequested()) {
  const at = ring.peek();
  if (at < 0) {
    waiter.idle();
    continue;
  }
  latencies[received] = monoNowNs() - ring.records[at + HANDOVER_STAMP_SLOT]!;
  ring.release();
  waiter.worked();
  received++;
  Atomics.store(ack, 0, received);
  Atomics.notify(ack, 0);
}
parentPort!.postMessage(received);
