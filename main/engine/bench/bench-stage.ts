/**
 * One row of `lockstep bench` (docs/ARCHITECTURE.md §8). Each area of the engine contributes its
 * stages from its own file (`<area>-stages.ts`); the bench command runs them all.
 */
export interface BenchStage {
  /** Row label, e.g. "order book update (per level)". */
  readonly name: string;
  /** docs/ARCHITECTURE.md §8 budget in nanoseconds, or null for rows measured for comparison only. */
  readonly budgetNs: number | null;
  /** Groups rows in the table: "core", "market", "strategy", "execution", "end-to-end". */
  readonly group: string;
  /**
   * Runs warm-up and measurement, returns one latency sample per iteration in nanoseconds.
   * Sub-100 ns operations are timed in small batches and divided, because a clock read
   * costs more than the operation; the stage says so in `note`.
   */
  measure(): Promise<Float64Array> | Float64Array;
  readonly note?: string;
}
