/**
 * A thread's doorbell: how producers wake a consumer that may be parked, when that
 * consumer drains SEVERAL rings (execution reads a market ring and an order ring), so no
 * single ring can carry the wake-up. Every producer into any of the thread's rings rings
 * its doorbell after publishing; a producer waiting for space is woken the same way by
 * its consumer.
 *
 * Layout: 16 Int32 words (one cache line) anywhere on a SharedArrayBuffer:
 *   SEQ     bumped by a ring that wakes the owner; the owner waits on it
 *   PARKED  1 while the owner is about to sleep or sleeping
 *   STOP    1 once the owner must exit
 *   PARKS   how often the owner parked (statistics)
 *   WAKES   how often a ring had to notify (statistics)
 *
 * Ringing is cheap: one Atomics.load of PARKED, and the notify system call only when the
 * owner flagged itself parked. No lost wake-up: the owner reads SEQ, sets PARKED, then
 * re-checks its rings before Atomics.wait(SEQ, seenSeq); a producer publishes, then reads
 * PARKED. Atomics are sequentially consistent, so either the owner's re-check sees the
 * record or the producer sees PARKED = 1 and bumps SEQ, which makes the wait return.
 */

export const DOORBELL_WORDS = 16;
const SEQ = 0;
const PARKED = 1;
const STOP = 2;
const PARKS = 3;
const WAKES = 4;

export class Doorbell {
  readonly words: Int32Array;

  /** Over 16 Int32 words of a SharedArrayBuffer (zeroed = idle, not stopped). */
  constructor(words: Int32Array) {
    if (!(words.buffer instanceof SharedArrayBuffer)) {
      throw new Error(
        'Doorbell: its words must be on a SharedArrayBuffer, or no other thread can ring it',
      );
    }
    if (words.length < DOORBELL_WORDS) {
      throw new RangeError(`Doorbell needs ${DOORBELL_WORDS} Int32 words, got ${words.length}`);
    }
    this.words = words;
  }

  /** A doorbell on its own new SharedArrayBuffer. */
  static create(): Doorbell {
    return new Doorbell(new Int32Array(new SharedArrayBuffer(DOORBELL_WORDS * 4)));
  }

  /** Called by a producer after publishing; wakes the owner only if it is parked. */
  ring(): void {
    if (Atomics.load(this.words, PARKED) !== 0) this.wake();
  }

  /** Wakes the owner unconditionally (for stop, or when the caller cannot tell). */
  wake(): void {
    Atomics.add(this.words, SEQ, 1);
    Atomics.add(this.words, WAKES, 1);
    Atomics.notify(this.words, SEQ, 1);
  }

  requestStop(): void {
    Atomics.store(this.words, STOP, 1);
    this.wake();
  }

  stopRequested(): boolean {
    return Atomics.load(this.words, STOP) !== 0;
  }

  /**
   * The owner's side: sleep until rung, stopped, or `timeoutMs` passed, unless
   * `hasWork()` (called after flagging itself parked) says there is work already.
   * Returns true if it actually slept.
   */
  park(hasWork: () => boolean, timeoutMs: number): boolean {
    const words = this.words;
    const seen = Atomics.load(words, SEQ);
    Atomics.store(words, PARKED, 1);
    if (hasWork() || Atomics.load(words, STOP) !== 0) {
      Atomics.store(words, PARKED, 0);
      return false;
    }
    Atomics.add(words, PARKS, 1);
    Atomics.wait(words, SEQ, seen, timeoutMs);
    Atomics.store(words, PARKED, 0);
    return true;
  }

  isParked(): boolean {
    return Atomics.load(this.words, PARKED) !== 0;
  }

  get parkCount(): number {
    return Atomics.load(this.words, PARKS);
  }

  get wakeCount(): number {
    return Atomics.load(this.words, WAKES);
  }
}
