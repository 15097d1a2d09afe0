import type { WebSocket } from 'ws';
import type { Rng } from '../engine/core/rng.js';
import type { FaultSpec } from './fault-spec.js';

/**
 * One client connection of the simulator: its subscriptions, and the faults applied to
 * what it is sent (drawn per connection from the simulator's seeded Rng).
 */
export class SimConnection {
  readonly streams = new Set<string>();
  lastPongMs = Date.now();
  readonly openedMs = Date.now();
  sent = 0;
  /** A depth diff held back by the reorder fault, sent after the next one. */
  private held: string | null = null;
  private readonly queued: string[] = [];

  constructor(
    readonly ws: WebSocket,
    /** `/stream?streams=` (wrapped frames) rather than `/ws/...` (bare payloads). */
    readonly combined: boolean,
  ) {}

  /** Sends one stream message, with the faults in effect. */
  deliver(stream: string, payload: string, isDepth: boolean, faults: FaultSpec, rng: Rng, silent: boolean): void {
    if (isDepth && faults.drop > 0 && rng.next() < faults.drop) return;
    let text = this.combined ? `{"stream":"${stream}","data":${payload}}` : payload;
    if (faults.malformed > 0 && rng.next() < faults.malformed) text = corrupt(text, rng);
    const copies = faults.dup > 0 && rng.next() < faults.dup ? 2 : 1;
    if (isDepth && faults.reorder > 0) {
      if (this.held === null && rng.next() < faults.reorder) {
        this.held = text;
        return;
      }
    }
    for (let i = 0; i < copies; i++) this.send(text, silent);
    if (isDepth && this.held !== null) {
      const held = this.held;
      this.held = null;
      this.send(held, silent);
    }
  }

  /** Sends what a silence held back. */
  flush(): void {
    while (this.queued.length > 0 && this.ws.readyState === this.ws.OPEN) {
      this.ws.send(this.queued.shift()!);
      this.sent++;
    }
  }

  send(text: string, silent: boolean): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (silent) {
      this.queued.push(text);
      return;
    }
    if (this.queued.length > 0) this.flush();
    this.ws.send(text);
    this.sent++;
  }
}

/** Breaks a message the way a bad link or a bad exchange would. */
function corrupt(text: string, rng: Rng): string {
  switch (rng.int(3)) {
    case 0:
      return text.slice(0, Math.max(1, rng.int(text.length))); // truncated
    case 1: {
      const price = /"(\d+\.\d+)"/.exec(text);
      return price ? text.replace(price[0], '"1e5"') : text.slice(0, -1);
    }
    default:
      return text.replace(/"(u|t)":/, '"_$1":'); // a required field missing
  }
}
