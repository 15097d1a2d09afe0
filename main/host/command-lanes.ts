/**
 * Two lanes for trader commands (docs/ARCHITECTURE.md §1). The commands that take risk off — the kill
 * switch, reduce only, cancel all, flatten — go on the priority lane: never refused by a
 * cap or a rate limit, never queued behind other commands, from any window or connection.
 * Everything else is ordinary: rate-limited per connection, capped in number waiting, and
 * sent to the engine a few at a time, so a flood from one window can never stand between
 * another command and the engine.
 */

/** Command types on the priority lane: never queued behind others, never rate-limited. */
const PRIORITY_COMMAND_TYPES: ReadonlySet<string> = new Set([
  'setKillSwitch',
  'setReduceOnly',
  'cancelAll',
  'flatten',
]);

/** Whether a (not yet validated) payload asks for a priority command. */
export function isPriorityCommand(payload: unknown): boolean {
  const type = (payload as { type?: unknown } | null)?.type;
  return typeof type === 'string' && PRIORITY_COMMAND_TYPES.has(type);
}

export interface ConnectionLimitOptions {
  /** Ordinary commands per second, sustained. */
  readonly perSecond: number;
  /** Ordinary commands allowed in one burst. */
  readonly burst: number;
  /** Ordinary commands of this connection waiting for their ack at once. */
  readonly maxPending: number;
  readonly now?: () => number;
}

export const DEFAULT_CONNECTION_LIMIT: ConnectionLimitOptions = {
  perSecond: 20,
  burst: 50,
  maxPending: 64,
};

/**
 * One connection's allowance of ordinary commands: a token bucket and a cap on the number
 * waiting. Priority commands never ask it.
 */
export class ConnectionLimit {
  private tokens: number;
  private refilledMs: number;
  private pending = 0;
  private readonly now: () => number;

  constructor(private readonly options: ConnectionLimitOptions = DEFAULT_CONNECTION_LIMIT) {
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.refilledMs = this.now();
  }

  /** Takes a slot for one ordinary command, or says why it is refused. Call `done()` after its ack. */
  admit(): string | null {
    const now = this.now();
    this.tokens = Math.min(
      this.options.burst,
      this.tokens + ((now - this.refilledMs) / 1000) * this.options.perSecond,
    );
    this.refilledMs = now;
    if (this.pending >= this.options.maxPending)
      return `too many commands waiting (${this.options.maxPending}); wait for their acknowledgements (the kill switch, flatten and cancel all are never held back)`;
    if (this.tokens < 1)
      return `more than ${this.options.perSecond} commands a second from this window; the command was not sent, try again (the kill switch, flatten and cancel all are never held back)`;
    this.tokens -= 1;
    this.pending++;
    return null;
  }

  done(): void {
    if (this.pending > 0) this.pending--;
  }
}

/**
 * The ordinary lane to the engine: at most `maxInFlight` ordinary commands are at the
 * engine at once, the rest wait here in order. The engine answers commands in order, so
 * a priority command, sent straight past this queue, waits for at most these few.
 */
export class OrdinaryLane {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxInFlight = 4) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
