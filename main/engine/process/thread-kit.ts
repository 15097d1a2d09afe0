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
  offset = 0,
): boolean {
  if (ring.tryPush(record, offset)) {
    consumer.ring();
    return true;
  }
  control.add('ring_full_events');
  for (let attempt = 0; ; attempt++) {
    consumer.wake();
    // Stopping: the consumer drains for a few seconds more, so keep trying until then.
    if (control.stopRequested() && attempt > 2000) return false;
    nap(attempt < 10 ? 0.02 : 1);
    if (ring.tryPush(record, offset)) {
      consumer.ring();
      return true;
    }
  }
}

/**
 * Rows a tick produces, kept in this thread's own memory until the tick is over, then
 * published to their rings with one wake-up of the consumer. Inside the tick, a ring
 * slot is memory the consumer thread last touched (cold here, its cache line owned by the
 * other core) and waking a parked consumer is a futex syscall (on this kind of machine
 * ~2.4 µs, leaving the caller's TLB and caches cold); both sat between the broker
 * accepting an order and the tick-to-trade stamp. The staging area is reused every tick,
 * so it stays warm. flush() is called after every frame, command batch and replay line;
 * a full staging area is flushed at once, so nothing waits longer than its tick.
 */
export class StagedRows {
  private readonly rows: Float64Array;
  private readonly ringOf: Uint8Array;
  private readonly slots: number;
  private count = 0;

  constructor(
    private readonly rings: readonly SpscRing[],
    private readonly consumer: Doorbell,
    private readonly control: ControlBlock,
    private readonly capacity = 64,
  ) {
    this.slots = Math.max(...rings.map((ring) => ring.recordSlots));
    this.rows = new Float64Array(capacity * this.slots);
    this.ringOf = new Uint8Array(capacity);
  }

  /** Copies the record (the ring's recordSlots of it) to publish at the next flush(). */
  push(ringIndex: number, record: Float64Array): void {
    if (this.count === this.capacity) this.flush();
    const n = this.rings[ringIndex]!.recordSlots;
    const base = this.count * this.slots;
    const rows = this.rows;
    for (let i = 0; i < n; i++) rows[base + i] = record[i]!;
    this.ringOf[this.count++] = ringIndex;
  }

  /** Publishes the staged rows in the order they came, then wakes the consumer once. */
  flush(): void {
    const count = this.count;
    if (count === 0) return;
    this.count = 0;
    for (let r = 0; r < count; r++) {
      const ring = this.rings[this.ringOf[r]!]!;
      if (!ring.tryPush(this.rows, r * this.slots)) {
        pushWaiting(ring, this.rows, this.consumer, this.control, r * this.slots);
      }
    }
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
