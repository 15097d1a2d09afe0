import { parentPort, workerData } from 'node:worker_threads';
import { ControlBlock } from '../core/control-block.js';
import { monoNowUs } from '../core/clock.js';
import { createWaiter } from '../core/wait-strategy.js';

/**
 * The execution thread's loop shape for the kill-switch bench: idle on its doorbell with
 * the configured waiter, read the trading-state word each pass, and stamp the moment it
 * sees a change (where the real thread cancels every open order).
 */
const {
  control: buffer,
  stamps: stampBuffer,
  strategy,
} = workerData as {
  control: SharedArrayBuffer;
  stamps: SharedArrayBuffer;
  strategy: 'spin' | 'hybrid' | 'block';
};
const control = ControlBlock.attach(buffer);
const stamps = new Float64Array(stampBuffer);
const seen = new Int32Array(stampBuffer, 8, 1);
const waiter = createWaiter(
  strategy,
  control.doorbell('execution'),
  () => control.tradingState() !== last,
);
let last = control.tradingState();
parentPort?.postMessage('ready');
while (!control.stopRequested()) {
  const state = control.tradingState();
  if (state !== last) {
    stamps[0] = monoNowUs();
    last = state;
    Atomics.add(seen, 0, 1);
    Atomics.notify(seen, 0);
    waiter.worked();
  } else {
    waiter.idle();
  }
}
