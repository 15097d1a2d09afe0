import { parentPort, workerData } from 'node:worker_threads';
import { ControlBlock } from '../core/control-block.js';
import { monoNowUs } from '../core/clock.js';
import type { Doorbell } from '../core/doorbell.js';
import type { EngineThread } from '../core/control-tables.js';
import { SpscRing } from '../core/spsc-ring.js';
import { EngineShared } from './engine-shared.js';
import type { EngineWiring, RingName } from './engine-wiring.js';
import type { WorkerReport } from './worker-messages.js';

/** What every engine worker attaches to on start. */
export interface AttachedEngine {
  readonly wiring: EngineWiring;
  readonly control: ControlBlock;
  readonly shared: EngineShared;
  ring(name: RingName): SpscRing;
  report(message: WorkerReport): void;
}

export function attachEngine(): AttachedEngine {
  const wiring = workerData as EngineWiring;
  if (!wiring || typeof wiring !== 'object' || !('control' in wiring)) {
    throw new Error('an engine worker must be started by the engine with its wiring as workerData');
  }
  const rings = new Map<RingName, SpscRing>();
  return {
    wiring,
    control: ControlBlock.attach(wiring.control),
    shared: EngineShared.attach(wiring.shared, wiring.symbols.length),
    ring(name) {
      let ring = rings.get(name);
      if (!ring) {
        ring = SpscRing.attach(wiring.rings[name]);
        rings.set(name, ring);
      }
      return ring;
    },
    report(message) {
      parentPort?.postMessage(message);
    },
  };
}

const napWord = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps the calling worker for about `ms` without spinning (Atomics.wait). */
function nap(ms: number): void {
  Atomics.wait(napWord, 0, 0, ms);
}

/**
 * Pushes one record, waiting while the ring is full: the streams on the rings (orders,
 * fills, book updates in replay) must not lose a record. Each full encounter is counted
 * (the ring's own fullCount feeds metrics); the consumer is woken in case it parked.
 * Returns false only if the engine is stopping.
 */
export function pushWaiting(
  ring: SpscRing,
  record: Float64Array,
  consumer: Doorbell,
  control: ControlBlock,
): boolean {
  if (ring.tryPush(record, 0)) {
    consumer.ring();
    return true;
  }
  control.add('ring_full_events');
  for (let attempt = 0; ; attempt++) {
    consumer.wake();
    // Stopping: the consumer drains for a few seconds more, so keep trying until then.
    if (control.stopRequested() && attempt > 2000) return false;
    nap(attempt < 10 ? 0.02 : 1);
    if (ring.tryPush(record, 0)) {
      consumer.ring();
      return true;
    }
  }
}

/**
 * A consumer's doorbell rung once after a tick instead of once per row. Waking a parked
 * thread is a futex syscall: on this kind of machine (a guest kernel behind page-table
 * isolation) one costs microseconds and leaves the caller's caches and TLB cold, so
 * inside the tick it landed between the broker accepting an order and the tick-to-trade
 * stamp. Rows still go into the ring at once (the consumer sees them if it is awake);
 * only the wake-up waits for flush(), which the hot thread calls after every frame,
 * command batch and replay line. A full ring still wakes the consumer at once.
 */
export class DeferredWake {
  private pending = false;

  constructor(
    private readonly consumer: Doorbell,
    private readonly control: ControlBlock,
  ) {}

  push(ring: SpscRing, record: Float64Array): boolean {
    if (ring.tryPush(record, 0)) {
      this.pending = true;
      return true;
    }
    this.flush();
    return pushWaiting(ring, record, this.consumer, this.control);
  }

  /** Rings the consumer if a row went in since the last flush. */
  flush(): void {
    if (!this.pending) return;
    this.pending = false;
    this.consumer.ring();
  }
}

/**
 * Mirrors a component's own running totals into control-block counters by adding the
 * difference since the last call (counters only ever grow; components keep plain
 * numbers so their hot paths touch no shared memory).
 */
export class CounterMirror<Name extends string> {
  private readonly last = new Map<Name, number>();
  constructor(private readonly add: (name: Name, n: number) => void) {}
  sync(name: Name, total: number): void {
    const delta = total - (this.last.get(name) ?? 0);
    if (delta > 0) {
      this.add(name, delta);
      this.last.set(name, total);
    }
  }
}

/**
 * The replay barrier: returns once `thread` reported a done seq ≥ atLeast, false if the
 * engine is stopping. The two trading threads hand each tick back and forth, so a
 * futex wake-up per tick (5–40 µs) would dominate; unless the wait strategy is `block`,
 * poll for up to `spinUs` first, as the hybrid waiter does for rings.
 */
export function awaitDoneSeq(
  control: ControlBlock,
  thread: 'strategy' | 'execution',
  atLeast: number,
  spinUs: number,
): boolean {
  if (control.doneSeq(thread) >= atLeast) return true;
  if (spinUs > 0) {
    const deadline = monoNowUs() + spinUs;
    for (let i = 1; ; i++) {
      if (control.doneSeq(thread) >= atLeast) return true;
      if ((i & 63) === 0 && monoNowUs() > deadline) break;
    }
  }
  while (!control.waitForDoneSeq(thread, atLeast, 100)) {
    if (control.stopRequested()) return false;
  }
  return true;
}

/** Spin budget for the replay barrier by wait strategy (none when blocking). */
export const barrierSpinUs = (strategy: 'spin' | 'hybrid' | 'block'): number =>
  strategy === 'block' ? 0 : strategy === 'spin' ? 1000 : 50;

/** Calls `publish` at most every `intervalMs` (checked by the caller's loop). */
export class Throttle {
  private last = 0;
  constructor(private readonly intervalMs: number) {}
  due(nowMs: number): boolean {
    if (nowMs - this.last < this.intervalMs) return false;
    this.last = nowMs;
    return true;
  }
}

/** Runs a worker's main function, reporting a crash to the engine instead of vanishing. */
export function runWorker(thread: EngineThread, main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      const text =
        error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      parentPort?.postMessage({ kind: 'fatal', thread, error: text } satisfies WorkerReport);
      process.exitCode = 1;
    });
}
