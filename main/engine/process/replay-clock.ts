import type { ReplaySpeed } from '../../../shared/api.js';

/**
 * The pace of a replay shown in the window, shared between the engine's main thread
 * (which the host drives: play, pause, step, speed) and the thread reading the recording
 * (which waits here between lines). One small SharedArrayBuffer: the control words are
 * Atomics, the progress words are written by the reader alone; nobody takes a lock and
 * the main thread never waits for the reader.
 *
 * The reader calls `pace(ts)` before each line and `passed(ts, bookUpdates)` after it.
 * Playing at speed s, line ts is released when the wall clock has advanced
 * (ts − anchor ts) / s since the anchor, re-anchored at every change of speed or pause,
 * so a pause stops the recording's clock and play resumes it from there. Speed 0 is as
 * fast as the engine goes. Paused, a step releases lines until one more book update has
 * been applied: exactly one.
 *
 * `replay --json` (the CLI) runs without a clock: as fast as possible, as before.
 */
const I = {
  PAUSED: 0,
  SPEED: 1,
  /** Steps asked for by the trader, and steps completed by the reader. */
  STEPS_ASKED: 2,
  STEPS_DONE: 3,
  FINISHED: 4,
  /** Bumped by every control change, so the reader re-anchors its clock. */
  GENERATION: 5,
  INT_WORDS: 8,
} as const;
const F = { FIRST_TS: 0, TS: 1, BOOK_UPDATES: 2, WORDS: 3 } as const;
const BYTES = I.INT_WORDS * 4 + F.WORDS * 8;

/** Longest single sleep, so a pause or a speed change is seen within this. */
const MAX_SLEEP_MS = 50;
const PAUSED_POLL_MS = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ReplayClock {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  // Reader-side state (only the reading thread touches these).
  private anchorGeneration = -1;
  private anchorWallMs = 0;
  private anchorTsUs = 0;
  private stepTarget = -1;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, I.INT_WORDS);
    this.floats = new Float64Array(buffer, I.INT_WORDS * 4, F.WORDS);
  }

  static create(speed: ReplaySpeed, paused = false): ReplayClock {
    const clock = new ReplayClock(new SharedArrayBuffer(BYTES));
    Atomics.store(clock.ints, I.SPEED, speed);
    Atomics.store(clock.ints, I.PAUSED, paused ? 1 : 0);
    clock.floats[F.FIRST_TS] = NaN;
    clock.floats[F.TS] = NaN;
    return clock;
  }

  static attach(buffer: SharedArrayBuffer): ReplayClock {
    return new ReplayClock(buffer);
  }

  // ---- control (the engine's main thread) -------------------------------------------

  setPaused(paused: boolean): void {
    Atomics.store(this.ints, I.PAUSED, paused ? 1 : 0);
    Atomics.add(this.ints, I.GENERATION, 1);
  }

  setSpeed(speed: ReplaySpeed): void {
    Atomics.store(this.ints, I.SPEED, speed);
    Atomics.add(this.ints, I.GENERATION, 1);
  }

  /** Asks for one more book update; only meaningful while paused. */
  step(): void {
    Atomics.add(this.ints, I.STEPS_ASKED, 1);
  }

  get paused(): boolean {
    return Atomics.load(this.ints, I.PAUSED) === 1;
  }

  get speed(): ReplaySpeed {
    return Atomics.load(this.ints, I.SPEED) as ReplaySpeed;
  }

  /** Steps asked for that the reader has not finished yet. */
  get pendingSteps(): number {
    return Atomics.load(this.ints, I.STEPS_ASKED) - Atomics.load(this.ints, I.STEPS_DONE);
  }

  get finished(): boolean {
    return Atomics.load(this.ints, I.FINISHED) === 1;
  }

  /** The recording's time of the last line read (µs), NaN before the first. */
  get tsUs(): number {
    return this.floats[F.TS]!;
  }

  get firstTsUs(): number {
    return this.floats[F.FIRST_TS]!;
  }

  get bookUpdates(): number {
    return this.floats[F.BOOK_UPDATES]!;
  }

  // ---- the reader ---------------------------------------------------------------------

  /**
   * Before the line at `tsUs`: null when it may go now (the fast path allocates nothing),
   * or a promise that resolves when it may. `stopped` ends any wait; `whileWaiting` runs
   * between naps (a reader that also serves commands and reports keeps doing so).
   */
  pace(tsUs: number, stopped: () => boolean, whileWaiting?: () => void): Promise<void> | null {
    if (!this.paused && this.speed === 0 && this.stepTarget < 0) return null;
    return this.waitTurn(tsUs, stopped, whileWaiting);
  }

  private async waitTurn(
    tsUs: number,
    stopped: () => boolean,
    whileWaiting: (() => void) | undefined,
  ): Promise<void> {
    for (let naps = 0; ; naps++) {
      if (stopped()) return;
      if (naps > 0) whileWaiting?.();
      if (this.stepTarget >= 0) {
        // Stepping: lines go until the asked-for book update has been applied.
        if (this.bookUpdates < this.stepTarget) return;
        this.stepTarget = -1;
        Atomics.add(this.ints, I.STEPS_DONE, 1);
        continue;
      }
      if (this.paused) {
        if (this.pendingSteps > 0) {
          this.stepTarget = this.bookUpdates + 1;
          continue;
        }
        await sleep(PAUSED_POLL_MS);
        continue;
      }
      const speed = this.speed;
      if (speed === 0) return;
      const generation = Atomics.load(this.ints, I.GENERATION);
      if (generation !== this.anchorGeneration) {
        // Resumed or re-paced: the recording's clock continues from this line, now.
        this.anchorGeneration = generation;
        this.anchorWallMs = performance.now();
        this.anchorTsUs = tsUs;
      }
      const dueMs = this.anchorWallMs + (tsUs - this.anchorTsUs) / 1000 / speed;
      const waitMs = dueMs - performance.now();
      if (waitMs <= 0) return;
      await sleep(Math.min(waitMs, MAX_SLEEP_MS));
    }
  }

  /** After a line: where the recording's clock is and how many book updates were applied. */
  passed(tsUs: number, bookUpdates: number): void {
    if (Number.isNaN(this.floats[F.FIRST_TS]!)) this.floats[F.FIRST_TS] = tsUs;
    this.floats[F.TS] = tsUs;
    this.floats[F.BOOK_UPDATES] = bookUpdates;
    if (this.anchorGeneration < 0) {
      this.anchorGeneration = Atomics.load(this.ints, I.GENERATION);
      this.anchorWallMs = performance.now();
      this.anchorTsUs = tsUs;
    }
  }

  /** The recording ended (or the replay was stopped). */
  finish(): void {
    if (this.stepTarget >= 0) Atomics.add(this.ints, I.STEPS_DONE, 1);
    this.stepTarget = -1;
    Atomics.store(this.ints, I.FINISHED, 1);
  }
}
