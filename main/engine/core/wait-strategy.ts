import type { WaitStrategyName } from '../../../shared/config.js';
import { monoNowUs } from './clock.js';
import type { Doorbell } from './doorbell.js';

/**
 * What a consumer thread does when all its rings are empty (config
 * `engine.wait_strategy`). The loop is always:
 *
 *   while (!stop) { if (drainAll() > 0) waiter.worked(); else waiter.idle(); }
 *
 * - spin:   return at once and poll again. Lowest latency, burns a core: only for a
 *           machine with a core to spare per consumer.
 * - hybrid: poll for up to `spinUs` after the last work, then park on the doorbell.
 *           Bursts are handed over at spin latency; a quiet feed costs no CPU.
 * - block:  park at once. Cheapest in CPU, every hand-over pays a futex wake-up.
 *
 * The default is hybrid with a short spin (DEFAULT_SPIN_US): on a 2-core machine four
 * engine threads spinning would starve each other and the UI, while market data comes in
 * bursts where a few µs of spinning catches the next message without a wake-up.
 *
 * Parking always has a timeout (`parkTimeoutMs`) as a safety net: a producer that forgot
 * to ring costs latency, never a hang. idle() may return with nothing to do; the caller
 * just drains again.
 */
export interface Waiter {
  readonly strategy: WaitStrategyName;
  /** The last drain found nothing. Spins, parks or returns at once per the strategy. */
  idle(): void;
  /** The last drain did work: the hybrid strategy restarts its spin budget. */
  worked(): void;
}

export interface WaitOptions {
  /** Hybrid: how long to keep polling after the last work before parking. */
  readonly spinUs?: number;
  /** Longest single sleep; the loop re-checks its rings and the stop word after it. */
  readonly parkTimeoutMs?: number;
}

const DEFAULT_SPIN_US = 20;
const DEFAULT_PARK_TIMEOUT_MS = 100;

/**
 * A waiter for one consumer thread. `hasWork` must re-read the shared state of every
 * ring the thread consumes (e.g. `() => a.hasData() || b.hasData()`): it is what makes
 * parking race-free. Create it once; idle() and worked() do not allocate.
 */
export function createWaiter(
  strategy: WaitStrategyName,
  doorbell: Doorbell,
  hasWork: () => boolean,
  options: WaitOptions = {},
): Waiter {
  const parkTimeoutMs = options.parkTimeoutMs ?? DEFAULT_PARK_TIMEOUT_MS;
  if (!(parkTimeoutMs > 0))
    throw new RangeError(`parkTimeoutMs must be positive, got ${parkTimeoutMs}`);
  switch (strategy) {
    case 'spin':
      return new SpinWaiter();
    case 'block':
      return new BlockWaiter(doorbell, hasWork, parkTimeoutMs);
    case 'hybrid': {
      const spinUs = options.spinUs ?? DEFAULT_SPIN_US;
      if (!(spinUs >= 0)) throw new RangeError(`spinUs must be ≥ 0, got ${spinUs}`);
      return new HybridWaiter(doorbell, hasWork, spinUs, parkTimeoutMs);
    }
    default:
      throw new RangeError(
        `unknown wait strategy "${String(strategy)}"; use spin, hybrid or block`,
      );
  }
}

class SpinWaiter implements Waiter {
  readonly strategy = 'spin' as const;
  /** Nothing to do but poll again; the loop's stop check ends it. */
  idle(): void {}
  worked(): void {}
}

class BlockWaiter implements Waiter {
  readonly strategy = 'block' as const;
  constructor(
    private readonly doorbell: Doorbell,
    private readonly hasWork: () => boolean,
    private readonly parkTimeoutMs: number,
  ) {}
  idle(): void {
    this.doorbell.park(this.hasWork, this.parkTimeoutMs);
  }
  worked(): void {}
}

class HybridWaiter implements Waiter {
  readonly strategy = 'hybrid' as const;
  /** When the current idle streak started, or -1 right after work. */
  private idleSinceUs = -1;
  constructor(
    private readonly doorbell: Doorbell,
    private readonly hasWork: () => boolean,
    private readonly spinUs: number,
    private readonly parkTimeoutMs: number,
  ) {}
  idle(): void {
    const now = monoNowUs();
    if (this.idleSinceUs < 0) {
      this.idleSinceUs = now;
      return;
    }
    if (now - this.idleSinceUs < this.spinUs) return;
    this.doorbell.park(this.hasWork, this.parkTimeoutMs);
    // After a wake-up, spin again briefly: the next message of a burst is likely close.
    this.idleSinceUs = -1;
  }
  worked(): void {
    this.idleSinceUs = -1;
  }
}
