import type { Rng } from '../engine/core/rng.js';
import { LevelLadder } from './level-ladder.js';
import type { SymbolProfile } from './symbol-profiles.js';

/**
 * Zero-intelligence order flow for one symbol, after Cont, Stoikov and Talreja (2010),
 * "A stochastic model for order book dynamics", with two additions a strategy needs:
 *
 * - Limit orders arrive at distance i = 1..K ticks from the OPPOSITE best quote with rate
 *   ∝ i^-α (a power law, as CST measured), so orders land inside a wide spread first and
 *   the book thins out away from the touch.
 * - Each resting unit cancels independently: a side's cancellation rate is θ times its
 *   near-touch quantity (in typical orders) and the level is drawn in proportion to its
 *   queue.
 * - Market orders walk the book; their side is TILTED by the top-5 imbalance
 *   I = (B - A) / (B + A): buys arrive at μ(1 + βI), sells at μ(1 - βI). In CST the
 *   imbalance already predicts the next mid move (a thin queue empties first); the tilt
 *   makes the effect strong enough to trade on, which is what the simulator is for.
 * - A sparse far book: levels between K ticks and 25 % from the touch arrive log-uniform
 *   in distance and are withdrawn whole at a slow rate, so snapshots reach as far out as
 *   Binance's do.
 *
 * Continuous-time Gillespie simulation: the rates are constant between events, so the
 * waiting time to the next event is exponential in their sum and the event kind is drawn
 * in proportion to its rate. Every draw comes from the one seeded Rng: the same seed
 * gives the same market, event for event. Prices are integer ticks, quantities integer
 * steps: the book is exact.
 */

/** Shape of the flow, in ticks, typical orders and events per second at activity 1. */
const FLOW = {
  /** Near zone: limit orders land 1..K ticks from the opposite best. */
  nearTicks: 100,
  /** Power-law exponent of the placement distance. */
  alpha: 0.75,
  /** Limit orders per second per side. */
  limitRate: 90,
  /** Cancellation rate per resting typical order per second. */
  cancelRate: 0.9,
  /** Market orders per second per side with a balanced book. */
  marketRate: 5,
  /** Tilt of market-order sides by the top-5 imbalance. */
  imbalanceTilt: 0.9,
  /** Levels counted by the imbalance that tilts market orders. */
  imbalanceLevels: 5,
  /** Far book: new far levels per second per side, and each far level's withdrawal rate. */
  farRate: 2,
  farCancelRate: 0.01,
  /** Farthest a far level sits from the touch, as a fraction of the price. */
  farReach: 0.25,
  /** Size spread (log-normal sigma) of limit and market orders, and of far levels. */
  sizeSigma: 1.0,
  farSizeSigma: 1.3,
  /** Median market order and far level, in typical limit orders. */
  marketMedianOrders: 2,
  farMedianOrders: 5,
  /** A market order never takes more than this share of the near-touch side. */
  marketCapShare: 0.8,
  /** At most this many maker fills (trades) per level a market order takes. */
  maxMakersPerLevel: 8,
  /** Simulated seconds run before the first published event, so the book starts mature. */
  warmupMs: 60_000,
} as const;

const FlowEvent = {
  NONE: 0,
  LIMIT_BID: 1,
  LIMIT_ASK: 2,
  CANCEL_BID: 3,
  CANCEL_ASK: 4,
  MARKET_BUY: 5,
  MARKET_SELL: 6,
  FAR_BID: 7,
  FAR_ASK: 8,
  FAR_CANCEL_BID: 9,
  FAR_CANCEL_ASK: 10,
} as const;
export type FlowEventCode = (typeof FlowEvent)[keyof typeof FlowEvent];

export interface OrderFlowListener {
  /** The quantity at a level changed (grew, shrank, appeared or went). */
  levelTouched(isBid: boolean, priceTicks: number): void;
  /**
   * A market order took `qtySteps` at one level; `makerQtys[0..makers)` are the maker
   * orders it filled there (one trade each), in queue order.
   */
  levelFilled(
    priceTicks: number,
    qtySteps: number,
    buyerIsMaker: boolean,
    makerQtys: Float64Array,
    makers: number,
  ): void;
}

export class OrderFlowModel {
  readonly bids = new LevelLadder(true);
  readonly asks = new LevelLadder(false);
  /** Simulated time of the last event, ms; 0 is the end of the warm-up. */
  timeMs = 0;
  /** Simulated time of the next event, ms. */
  nextEventMs = 0;
  /** Kind of the last event applied. */
  lastEvent: FlowEventCode = FlowEvent.NONE;
  listener: OrderFlowListener | null = null;

  private readonly placementCdf: Float64Array;
  private readonly makerQtys = new Float64Array(FLOW.maxMakersPerLevel);
  private readonly rates = new Float64Array(11);
  private totalRate = 0;
  private nearBidQty = 0;
  private nearAskQty = 0;
  private nearBidLevels = 0;
  private nearAskLevels = 0;
  private readonly logSizeMedian: number;
  private readonly logMarketMedian: number;
  private readonly logFarMedian: number;
  private readonly logFarMin: number;
  private readonly logFarMax: number;
  private readonly activity: number;

  constructor(
    readonly profile: SymbolProfile,
    private readonly rng: Rng,
  ) {
    this.activity = profile.activity;
    const median = profile.orderMedianSteps;
    this.logSizeMedian = Math.log(median);
    this.logMarketMedian = Math.log(median * FLOW.marketMedianOrders);
    this.logFarMedian = Math.log(median * FLOW.farMedianOrders);
    this.logFarMin = Math.log(FLOW.nearTicks);
    this.logFarMax = Math.log(Math.max(FLOW.nearTicks * 2, profile.startTicks * FLOW.farReach));
    this.placementCdf = new Float64Array(FLOW.nearTicks);
    let sum = 0;
    for (let i = 0; i < FLOW.nearTicks; i++) {
      sum += Math.pow(i + 1, -FLOW.alpha);
      this.placementCdf[i] = sum;
    }
    this.seedBook();
    this.refreshRates();
    this.nextEventMs = this.rng.exponential(this.totalRate) * 1000;
    while (this.nextEventMs < FLOW.warmupMs) this.step();
    this.timeMs -= FLOW.warmupMs;
    this.nextEventMs -= FLOW.warmupMs;
  }

  /** Top-n imbalance (B - A) / (B + A), 0 when both sides are empty. */
  imbalance(levels: number = FLOW.imbalanceLevels): number {
    const b = this.bids.topQty(levels);
    const a = this.asks.topQty(levels);
    return b + a === 0 ? 0 : (b - a) / (b + a);
  }

  /** Mid in ticks (may be a half tick), NaN while a side is empty. */
  midTicks(): number {
    return (this.bids.bestPrice() + this.asks.bestPrice()) / 2;
  }

  /**
   * Applies the event due at nextEventMs and draws the one after. Returns true when the
   * book changed (every event that happens does; a placement off the grid is skipped).
   */
  step(): boolean {
    this.timeMs = this.nextEventMs;
    const kind = this.drawKind();
    this.lastEvent = kind;
    const changed = this.apply(kind);
    this.refreshRates();
    this.nextEventMs = this.timeMs + this.rng.exponential(this.totalRate) * 1000;
    return changed;
  }

  /**
   * Moves the clock to simMs with nothing happening meanwhile. Waiting times are
   * memoryless, so drawing the next one afresh from here is exact.
   */
  skipTo(simMs: number): void {
    if (simMs <= this.timeMs) return;
    this.timeMs = simMs;
    this.nextEventMs = simMs + this.rng.exponential(this.totalRate) * 1000;
  }

  private drawKind(): FlowEventCode {
    let u = this.rng.next() * this.totalRate;
    const rates = this.rates;
    for (let kind = 1; kind < rates.length; kind++) {
      u -= rates[kind]!;
      if (u < 0) return kind as FlowEventCode;
    }
    // Rounding left a sliver: the last kind with a rate.
    for (let kind = rates.length - 1; kind > 0; kind--)
      if (rates[kind]! > 0) return kind as FlowEventCode;
    return FlowEvent.NONE;
  }

  private apply(kind: FlowEventCode): boolean {
    switch (kind) {
      case FlowEvent.LIMIT_BID:
        return this.placeLimit(true);
      case FlowEvent.LIMIT_ASK:
        return this.placeLimit(false);
      case FlowEvent.CANCEL_BID:
        return this.cancelNear(this.bids, this.nearBidQty, this.nearBidLevels);
      case FlowEvent.CANCEL_ASK:
        return this.cancelNear(this.asks, this.nearAskQty, this.nearAskLevels);
      case FlowEvent.MARKET_BUY:
        return this.marketOrder(this.asks, this.nearAskQty, false);
      case FlowEvent.MARKET_SELL:
        return this.marketOrder(this.bids, this.nearBidQty, true);
      case FlowEvent.FAR_BID:
        return this.placeFar(this.bids);
      case FlowEvent.FAR_ASK:
        return this.placeFar(this.asks);
      case FlowEvent.FAR_CANCEL_BID:
        return this.cancelFar(this.bids, this.nearBidLevels);
      case FlowEvent.FAR_CANCEL_ASK:
        return this.cancelFar(this.asks, this.nearAskLevels);
      default:
        return false;
    }
  }

  /** Rates of every event kind in the current state (constant until the next event). */
  private refreshRates(): void {
    this.measureNear(this.bids, true);
    this.measureNear(this.asks, false);
    const a = this.activity;
    const median = this.profile.orderMedianSteps;
    const r = this.rates;
    const imbalance = this.imbalance();
    r[FlowEvent.LIMIT_BID] = FLOW.limitRate * a;
    r[FlowEvent.LIMIT_ASK] = FLOW.limitRate * a;
    r[FlowEvent.CANCEL_BID] = (FLOW.cancelRate * a * this.nearBidQty) / median;
    r[FlowEvent.CANCEL_ASK] = (FLOW.cancelRate * a * this.nearAskQty) / median;
    r[FlowEvent.MARKET_BUY] =
      this.nearAskQty > 0
        ? FLOW.marketRate * a * Math.max(0.05, 1 + FLOW.imbalanceTilt * imbalance)
        : 0;
    r[FlowEvent.MARKET_SELL] =
      this.nearBidQty > 0
        ? FLOW.marketRate * a * Math.max(0.05, 1 - FLOW.imbalanceTilt * imbalance)
        : 0;
    r[FlowEvent.FAR_BID] = FLOW.farRate * a;
    r[FlowEvent.FAR_ASK] = FLOW.farRate * a;
    r[FlowEvent.FAR_CANCEL_BID] = FLOW.farCancelRate * a * (this.bids.count - this.nearBidLevels);
    r[FlowEvent.FAR_CANCEL_ASK] = FLOW.farCancelRate * a * (this.asks.count - this.nearAskLevels);
    let total = 0;
    for (let i = 1; i < r.length; i++) total += r[i]!;
    this.totalRate = total;
  }

  /** Quantity and level count within K ticks of the side's own best. */
  private measureNear(side: LevelLadder, isBid: boolean): void {
    let qty = 0;
    let levels = 0;
    if (side.count > 0) {
      const best = side.priceAt(0);
      for (let i = 0; i < side.count; i++) {
        if (Math.abs(side.priceAt(i) - best) >= FLOW.nearTicks) break;
        qty += side.qtyAt(i);
        levels++;
      }
    }
    if (isBid) {
      this.nearBidQty = qty;
      this.nearBidLevels = levels;
    } else {
      this.nearAskQty = qty;
      this.nearAskLevels = levels;
    }
  }

  private placeLimit(isBid: boolean): boolean {
    const distance = this.drawPlacement();
    const opposite = isBid ? this.asks : this.bids;
    const own = isBid ? this.bids : this.asks;
    let reference = opposite.bestPrice();
    if (Number.isNaN(reference)) {
      // The opposite side is empty (never in practice): quote around our own best.
      const ownBest = own.bestPrice();
      reference = Number.isNaN(ownBest) ? this.profile.startTicks : ownBest + (isBid ? 1 : -1);
    }
    const price = isBid ? reference - distance : reference + distance;
    if (price <= 0) return false;
    own.add(price, this.drawSize(this.logSizeMedian, FLOW.sizeSigma));
    this.listener?.levelTouched(isBid, price);
    return true;
  }

  private cancelNear(side: LevelLadder, nearQty: number, nearLevels: number): boolean {
    if (nearLevels === 0) return false;
    let u = this.rng.next() * nearQty;
    let index = 0;
    while (index < nearLevels - 1) {
      u -= side.qtyAt(index);
      if (u < 0) break;
      index++;
    }
    const price = side.priceAt(index);
    side.takeAt(index, this.drawSize(this.logSizeMedian, FLOW.sizeSigma));
    this.listener?.levelTouched(side.isBid, price);
    return true;
  }

  /** A taker order against `side` (asks for a buy), walking levels from the best. */
  private marketOrder(side: LevelLadder, nearQty: number, buyerIsMaker: boolean): boolean {
    if (side.count === 0) return false;
    const cap = Math.max(1, Math.floor(nearQty * FLOW.marketCapShare));
    let remaining = Math.min(cap, this.drawSize(this.logMarketMedian, FLOW.sizeSigma));
    while (remaining > 0 && side.count > 0) {
      const price = side.priceAt(0);
      const take = Math.min(remaining, side.qtyAt(0));
      const makers = this.splitMakers(take);
      side.takeAt(0, take);
      remaining -= take;
      this.listener?.levelTouched(side.isBid, price);
      this.listener?.levelFilled(price, take, buyerIsMaker, this.makerQtys, makers);
    }
    return true;
  }

  /** The maker orders a fill of `qty` at one level meets, in queue order. */
  private splitMakers(qty: number): number {
    let left = qty;
    let makers = 0;
    while (left > 0) {
      const part =
        makers === FLOW.maxMakersPerLevel - 1
          ? left
          : Math.min(left, this.drawSize(this.logSizeMedian, FLOW.sizeSigma));
      this.makerQtys[makers++] = part;
      left -= part;
    }
    return makers;
  }

  private placeFar(side: LevelLadder): boolean {
    const best = side.bestPrice();
    const anchor = Number.isNaN(best) ? this.profile.startTicks : best;
    const distance = Math.round(
      Math.exp(this.logFarMin + this.rng.next() * (this.logFarMax - this.logFarMin)),
    );
    const price = side.isBid ? anchor - distance : anchor + distance;
    if (price <= 0) return false;
    side.add(price, this.drawSize(this.logFarMedian, FLOW.farSizeSigma));
    this.listener?.levelTouched(side.isBid, price);
    return true;
  }

  private cancelFar(side: LevelLadder, nearLevels: number): boolean {
    const far = side.count - nearLevels;
    if (far <= 0) return false;
    const index = nearLevels + this.rng.int(far);
    const price = side.priceAt(index);
    side.removeAt(index);
    this.listener?.levelTouched(side.isBid, price);
    return true;
  }

  /** Distance in ticks, 1..K, with P(i) ∝ i^-α. */
  private drawPlacement(): number {
    const cdf = this.placementCdf;
    const u = this.rng.next() * cdf[cdf.length - 1]!;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! <= u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  /** Log-normal size in whole steps, at least one. */
  private drawSize(logMedian: number, sigma: number): number {
    return Math.max(1, Math.round(Math.exp(logMedian + sigma * this.rng.normal())));
  }

  /** A plausible opening book: a queue at each near tick, the far book at its equilibrium size. */
  private seedBook(): void {
    const start = this.profile.startTicks;
    const median = this.profile.orderMedianSteps;
    for (let i = 1; i <= 30; i++) {
      const orders = Math.max(1, Math.round(8 * Math.pow(i, -FLOW.alpha)));
      this.bids.add(start - i, orders * median);
      this.asks.add(start + i, orders * median);
    }
    const farLevels = Math.round(FLOW.farRate / FLOW.farCancelRate);
    for (let i = 0; i < farLevels; i++) {
      this.placeFar(this.bids);
      this.placeFar(this.asks);
    }
  }
}
