import type { Rng } from '../engine/core/rng.js';
import { SimBook } from './sim-book.js';

/**
 * Zero-intelligence order flow in the style of Cont, Stoikov & Talreja (2010), per symbol
 * on its tick grid, with one deliberate tilt so that a strategy has something to find:
 *
 * - limit orders arrive on each side at a rate decaying as a power of the distance (in
 *   ticks) from the OPPOSITE best quote, so they never cross and often improve the spread;
 * - each resting order is cancelled at a constant rate, i.e. cancellations at a level are
 *   proportional to its queue (queues are counted in typical order sizes);
 * - market orders walk the book from the touch; their arrival rates are tilted by the
 *   current top-of-book imbalance I = (B - A) / (B + A): buys arrive at μ(1 + κI) and sells
 *   at μ(1 - κI). A bid-heavy book therefore sees its ask side eaten first, and the mid
 *   tends to move in the direction of the imbalance over the next few hundred ms;
 * - far levels (up to ~25 % from the mid) are seeded at the start and occasionally
 *   updated, as on a real exchange.
 * Time advances in steps (100 ms of market time each); the simulator publishes one depth
 * diff per step. Everything is drawn from one seeded Rng: same seed, same market.
 */
export interface FlowParams {
  /** Starting mid in ticks. */
  readonly midTicks: number;
  /** Typical order size in lots. */
  readonly orderLots: number;
  /** Limit orders per second per side. */
  readonly limitRate: number;
  /** Cancellation rate per resting order per second. */
  readonly cancelRate: number;
  /** Market orders per second per side at zero imbalance. */
  readonly marketRate: number;
  /** Market order size relative to a typical limit order. */
  readonly marketSizeFactor: number;
  /** Imbalance tilt κ of the market order rates (0 = pure zero intelligence). */
  readonly imbalanceTilt: number;
  /** Levels used for the imbalance that tilts market orders. */
  readonly imbalanceLevels: number;
  /** Limit orders land within this many ticks of the opposite quote. */
  readonly nearTicks: number;
  /** Power-law exponent of the limit order distance distribution. */
  readonly distanceExponent: number;
  /** Far levels per side seeded at the start, and far updates per second. */
  readonly farLevels: number;
  readonly farUpdateRate: number;
}

export const BTC_FLOW: FlowParams = {
  midTicks: 6_000_000, // 60000.00 at 0.01
  orderLots: 4_000, // 0.04 BTC in 0.00001 lots
  limitRate: 60,
  cancelRate: 1,
  marketRate: 4,
  marketSizeFactor: 3,
  imbalanceTilt: 0.8,
  imbalanceLevels: 5,
  nearTicks: 200,
  distanceExponent: 1.1,
  farLevels: 120,
  farUpdateRate: 1,
};

export const ETH_FLOW: FlowParams = {
  ...BTC_FLOW,
  midTicks: 300_000, // 3000.00 at 0.01
  orderLots: 10_000, // 1 ETH in 0.0001 lots
};

/** One change the step made, in the order it happened. */
export interface BookChange {
  readonly isBid: boolean;
  readonly tick: number;
  /** Lots after the change (0 = removed). */
  readonly lots: number;
}

export interface Fill {
  readonly tick: number;
  readonly lots: number;
  /** The aggressor sold: the buyer was the maker. */
  readonly buyerMaker: boolean;
}

export interface StepResult {
  /** Book-changing events in the step (each takes one update id). */
  readonly events: number;
  readonly changes: BookChange[];
  readonly fills: Fill[];
}

export class OrderFlow {
  readonly book = new SimBook();
  private readonly distanceCdf: Float64Array;
  private lastMid: number;

  constructor(
    private readonly params: FlowParams,
    private readonly rng: Rng,
  ) {
    this.lastMid = params.midTicks;
    // Cumulative distribution of limit order distance i = 1..nearTicks, ∝ i^-exponent.
    this.distanceCdf = new Float64Array(params.nearTicks);
    let total = 0;
    for (let i = 1; i <= params.nearTicks; i++) {
      total += Math.pow(i, -params.distanceExponent);
      this.distanceCdf[i - 1] = total;
    }
    for (let i = 0; i < params.nearTicks; i++) this.distanceCdf[i]! /= total;
    this.seed();
  }

  /** Current mid in ticks (the last one seen when a side is empty). */
  midTicks(): number {
    const bid = this.book.bids.best();
    const ask = this.book.asks.best();
    if (!Number.isNaN(bid) && !Number.isNaN(ask)) this.lastMid = (bid + ask) / 2;
    return this.lastMid;
  }

  /** Top-of-book imbalance over the configured levels, in [-1, 1]. */
  imbalance(): number {
    const b = this.book.bids.depth(this.params.imbalanceLevels);
    const a = this.book.asks.depth(this.params.imbalanceLevels);
    return b + a > 0 ? (b - a) / (b + a) : 0;
  }

  /** Advances the market by dtSeconds. */
  step(dtSeconds: number): StepResult {
    const p = this.params;
    const changes: BookChange[] = [];
    const fills: Fill[] = [];
    let events = 0;
    const imbalance = this.imbalance();
    const restingOrders = (this.nearLots(true) + this.nearLots(false)) / p.orderLots;
    const rates = [
      p.limitRate, // bid limit
      p.limitRate, // ask limit
      p.cancelRate * restingOrders, // cancel (either side, ∝ queue)
      p.marketRate * (1 + p.imbalanceTilt * imbalance), // market buy
      p.marketRate * (1 - p.imbalanceTilt * imbalance), // market sell
      p.farUpdateRate,
    ];
    const total = rates.reduce((a, b) => a + b, 0);
    const count = this.poisson(total * dtSeconds);
    for (let k = 0; k < count; k++) {
      let pick = this.rng.next() * total;
      let type = 0;
      while (type < rates.length - 1 && pick >= rates[type]!) pick -= rates[type++]!;
      const changed = this.event(type, changes, fills);
      if (changed) events++;
    }
    return { events, changes, fills };
  }

  private event(type: number, changes: BookChange[], fills: Fill[]): boolean {
    switch (type) {
      case 0:
        return this.limit(true, changes);
      case 1:
        return this.limit(false, changes);
      case 2:
        return this.cancel(changes);
      case 3:
        return this.market(true, changes, fills);
      case 4:
        return this.market(false, changes, fills);
      default:
        return this.farUpdate(changes);
    }
  }

  private limit(isBid: boolean, changes: BookChange[]): boolean {
    const opposite = this.book.side(!isBid).best();
    const reference = Number.isNaN(opposite) ? Math.round(this.midTicks()) + (isBid ? 1 : -1) : opposite;
    const distance = this.sampleDistance();
    const tick = isBid ? reference - distance : reference + distance;
    if (tick <= 0) return false;
    const side = this.book.side(isBid);
    const lots = side.get(tick) + this.orderSize();
    side.set(tick, lots);
    changes.push({ isBid, tick, lots });
    return true;
  }

  /** Picks a resting level with probability ∝ its queue, removes about one order from it. */
  private cancel(changes: BookChange[]): boolean {
    const bidLots = this.nearLots(true);
    const askLots = this.nearLots(false);
    if (bidLots + askLots === 0) return false;
    const isBid = this.rng.next() * (bidLots + askLots) < bidLots;
    const side = this.book.side(isBid);
    let pick = this.rng.next() * (isBid ? bidLots : askLots);
    const limit = this.nearLimit(isBid);
    for (let i = 0; i < side.size; i++) {
      const tick = side.tickAt(i);
      if (isBid ? tick < limit : tick > limit) break;
      const lots = side.get(tick);
      if (pick < lots) {
        const remaining = Math.max(0, lots - this.orderSize());
        side.set(tick, remaining);
        changes.push({ isBid, tick, lots: remaining });
        return true;
      }
      pick -= lots;
    }
    return false;
  }

  /** A market order walks the opposite side from the touch, at most five levels deep. */
  private market(isBuy: boolean, changes: BookChange[], fills: Fill[]): boolean {
    const side = this.book.side(!isBuy);
    if (side.size === 0) return false;
    let remaining = Math.max(1, Math.round(this.orderSize() * this.params.marketSizeFactor));
    let levels = 0;
    while (remaining > 0 && side.size > 0 && levels < 5) {
      const tick = side.best();
      const lots = side.get(tick);
      const take = Math.min(lots, remaining);
      side.set(tick, lots - take);
      changes.push({ isBid: !isBuy, tick, lots: lots - take });
      fills.push({ tick, lots: take, buyerMaker: !isBuy });
      remaining -= take;
      levels++;
    }
    return true;
  }

  /** Far from the touch: a level appears, changes or goes (log-uniform distance). */
  private farUpdate(changes: BookChange[]): boolean {
    const isBid = this.rng.next() < 0.5;
    const side = this.book.side(isBid);
    const mid = this.midTicks();
    const distance = Math.round(this.params.nearTicks * Math.pow((0.25 * mid) / this.params.nearTicks, this.rng.next()));
    const tick = Math.round(isBid ? mid - distance : mid + distance);
    if (tick <= 0) return false;
    const existing = side.get(tick);
    const lots = existing > 0 && this.rng.next() < 0.5 ? 0 : this.orderSize() * (1 + this.rng.int(20));
    if (lots === existing) return false;
    side.set(tick, lots);
    changes.push({ isBid, tick, lots });
    return true;
  }

  private seed(): void {
    const p = this.params;
    const mid = p.midTicks;
    for (const isBid of [true, false]) {
      const side = this.book.side(isBid);
      for (let i = 1; i <= p.nearTicks; i++) {
        if (this.rng.next() < Math.min(1, 3 * Math.pow(i, -0.5))) {
          side.set(isBid ? mid - i : mid + i, this.orderSize() * (1 + this.rng.int(4)));
        }
      }
      for (let k = 0; k < p.farLevels; k++) {
        const distance = Math.round(p.nearTicks * Math.pow((0.25 * mid) / p.nearTicks, this.rng.next()));
        side.set(isBid ? mid - distance : mid + distance, this.orderSize() * (1 + this.rng.int(20)));
      }
    }
  }

  /** Lots resting within twice the limit-order zone of the touch (where cancels act). */
  private nearLots(isBid: boolean): number {
    const side = this.book.side(isBid);
    const limit = this.nearLimit(isBid);
    let sum = 0;
    for (let i = 0; i < side.size; i++) {
      const tick = side.tickAt(i);
      if (isBid ? tick < limit : tick > limit) break;
      sum += side.get(tick);
    }
    return sum;
  }

  private nearLimit(isBid: boolean): number {
    const mid = this.midTicks();
    return isBid ? mid - 2 * this.params.nearTicks : mid + 2 * this.params.nearTicks;
  }

  private sampleDistance(): number {
    const u = this.rng.next();
    const cdf = this.distanceCdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  /** Order size in lots: exponential around the typical size, at least one lot. */
  private orderSize(): number {
    return Math.max(1, Math.round(this.rng.exponential(1) * this.params.orderLots));
  }

  private poisson(mean: number): number {
    // Knuth's method is fine for the small means of one step; split large ones.
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.rng.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.rng.next();
    while (product > limit) {
      k++;
      product *= this.rng.next();
    }
    return k;
  }
}
