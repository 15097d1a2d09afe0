/**
 * How long an order takes to reach the simulated exchange, on the data clock, as
 * hftbacktest's `LatencyModel` trait. 0 means it is matched at once against the book as
 * the broker holds it; otherwise it waits in flight and is activated by the first market
 * record whose time reaches its arrival, before that record is applied.
 */
export interface LatencyModel {
  /** Microseconds from the order's send time to its arrival at the exchange. */
  entryLatencyUs(): number;
}

/** execution.latency_us for every order. */
export class ConstantLatency implements LatencyModel {
  constructor(private readonly latencyUs: number) {
    if (!Number.isFinite(latencyUs) || latencyUs < 0)
      throw new Error(`execution latency must be a finite number of µs ≥ 0, got ${latencyUs}`);
  }

  entryLatencyUs(): number {
    return this.latencyUs;
  }
}
