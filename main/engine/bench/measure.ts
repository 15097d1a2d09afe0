import { monoNowNs } from '../core/clock.js';

/**
 * Timing helpers for bench stages. An operation shorter than a clock read (~30-60 ns) is
 * timed in batches: one sample = (clock after `batch` calls - clock before) / batch, so the
 * clock's own cost is spread over the batch and reported latencies are per operation.
 */
export interface BatchOptions {
  /** Calls before measuring, so the JIT has optimised the code being measured. */
  readonly warmup: number;
  readonly samples: number;
  /** Calls per sample (1 = time each call on its own). */
  readonly batch: number;
}

/**
 * Runs `op(i)` warmup + samples × batch times and returns one per-call latency (ns) per
 * sample. `afterSample` runs untimed after each sample (e.g. draining a ring).
 */
export function measureBatched(
  options: BatchOptions,
  op: (i: number) => void,
  afterSample?: () => void,
): Float64Array {
  let i = 0;
  for (let w = 0; w < options.warmup; w++) {
    op(i++);
    if (afterSample !== undefined && w % options.batch === options.batch - 1) afterSample();
  }
  afterSample?.();
  const out = new Float64Array(options.samples);
  for (let s = 0; s < options.samples; s++) {
    const start = monoNowNs();
    for (let b = 0; b < options.batch; b++) op(i++);
    out[s] = (monoNowNs() - start) / options.batch;
    afterSample?.();
  }
  return out;
}
