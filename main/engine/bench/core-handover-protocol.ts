import type { WaitStrategyName } from '../../../shared/config.js';

/**
 * What the hand-over bench's producer (core-stages.ts) and consumer thread
 * (core-handover-worker.ts) share. Kept apart from the worker so importing it never runs
 * the worker's loop.
 */
export interface HandoverWorkerData {
  readonly ring: SharedArrayBuffer;
  readonly doorbell: SharedArrayBuffer;
  /** Int32 [0]: records acknowledged so far. */
  readonly ack: SharedArrayBuffer;
  /** Float64 per record: one-way latency, ns. */
  readonly latencies: SharedArrayBuffer;
  readonly strategy: WaitStrategyName;
  readonly count: number;
}

/** Record slot holding monoNowNs() at publish (slot 0 is the record's sequence). */
export const HANDOVER_STAMP_SLOT = 1;
