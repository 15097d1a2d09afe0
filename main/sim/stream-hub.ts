import type { ClientSession } from './client-session.js';
import { Corruption, spoilNumber, type FaultInjector } from './fault-injector.js';
import type { FrameKindCode, FrameOutput } from './frame-output.js';

/**
 * Fans frames out to the connections subscribed to their stream, after the faults:
 * silence (nothing goes out while the feed clock is in the window), drop, corruption,
 * duplication and reordering are decided once per frame here and applied by each
 * session. A payload nobody subscribed to is never rendered (`wants`).
 */
export class StreamHub implements FrameOutput {
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  /** Frames handed on to at least one connection. */
  framesSent = 0;

  constructor(
    private readonly faults: FaultInjector,
    private readonly feedClockMs: () => number,
  ) {}

  wants(stream: string): boolean {
    const subs = this.subscribers.get(stream);
    return subs !== undefined && subs.size > 0;
  }

  emit(stream: string, kind: FrameKindCode, payload: string): void {
    const subs = this.subscribers.get(stream);
    if (subs === undefined || subs.size === 0) return;
    if (this.faults.silenced(this.feedClockMs())) {
      this.faults.counters.silenced++;
      return;
    }
    if (!this.faults.decide(kind)) return;
    const fault = this.faults.fault;
    const body = fault.corruption === Corruption.BAD_NUMBER ? spoilNumber(payload) : payload;
    const combined = `{"stream":"${stream}","data":${body}}`;
    this.framesSent++;
    for (const session of subs) session.deliver(body, combined, fault);
  }

  backlogBytes(): number {
    let most = 0;
    for (const subs of this.subscribers.values())
      for (const session of subs) most = Math.max(most, session.bufferedBytes);
    return most;
  }

  add(session: ClientSession, stream: string): void {
    let subs = this.subscribers.get(stream);
    if (subs === undefined) {
      subs = new Set();
      this.subscribers.set(stream, subs);
    }
    subs.add(session);
  }

  remove(session: ClientSession, stream: string): void {
    this.subscribers.get(stream)?.delete(session);
  }
}
