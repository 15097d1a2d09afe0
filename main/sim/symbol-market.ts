import { symbolSpecFor } from '../../shared/domain.js';
import type { Rng } from '../engine/core/rng.js';
import { format8, snapshotJson, type LevelText } from './binance-format.js';
import { OrderFlow, type FlowParams, type StepResult } from './order-flow.js';

/** What one 100 ms step of a symbol publishes. */
export interface StepPayloads {
  /** depthUpdate for the 100 ms stream, or null when nothing changed. */
  readonly depth100: string | null;
  /** depthUpdate for the 1000 ms stream (every tenth step), or null. */
  readonly depth1000: string | null;
  readonly trades: readonly string[];
  /** bookTicker when the top of the book changed, else null. */
  readonly bookTicker: string | null;
}

/**
 * One simulated symbol on the wire: its order flow, Binance update ids (one per book
 * event, so U/u of the diffs and lastUpdateId of the snapshot always agree) and trade ids,
 * and the payload texts of its streams.
 */
export class SymbolMarket {
  readonly flow: OrderFlow;
  /** Last update id applied to the book (the snapshot's lastUpdateId). */
  updateId: number;
  private tradeId: number;
  private readonly tickUnits: number;
  private readonly lotUnits: number;
  private slowChanges = new Map<string, [boolean, number, number]>();
  private slowFirstId = 0;
  private steps = 0;
  private lastTop = '';

  constructor(
    readonly symbol: string,
    params: FlowParams,
    rng: Rng,
  ) {
    const spec = symbolSpecFor(symbol);
    this.tickUnits = spec.tickSize;
    this.lotUnits = spec.stepSize;
    this.flow = new OrderFlow(params, rng);
    this.updateId = 1_000_000_000 + rng.int(1_000_000_000);
    this.tradeId = 100_000_000 + rng.int(100_000_000);
  }

  step(dtSeconds: number, nowMs: number): StepPayloads {
    const firstId = this.updateId + 1;
    const result = this.flow.step(dtSeconds);
    this.updateId += result.events;
    const depth100 = result.events > 0 ? this.depthText(firstId, this.updateId, finalLevels(result), nowMs) : null;
    // The 1 s stream: the same changes merged over ten steps.
    if (result.events > 0) {
      if (this.slowChanges.size === 0) this.slowFirstId = firstId;
      for (const [key, level] of finalLevels(result)) this.slowChanges.set(key, level);
    }
    let depth1000: string | null = null;
    if (++this.steps % 10 === 0 && this.slowChanges.size > 0) {
      depth1000 = this.depthText(this.slowFirstId, this.updateId, this.slowChanges, nowMs);
      this.slowChanges = new Map();
    }
    const trades = result.fills.map((fill) =>
      JSON.stringify({
        e: 'trade',
        E: nowMs,
        s: this.symbol,
        t: ++this.tradeId,
        p: format8(fill.tick * this.tickUnits),
        q: format8(fill.lots * this.lotUnits),
        T: nowMs,
        m: fill.buyerMaker,
        M: true,
      }),
    );
    return { depth100, depth1000, trades, bookTicker: this.bookTickerText() };
  }

  /** REST body of GET /api/v3/depth: best `limit` levels per side. */
  snapshot(limit: number): string {
    return snapshotJson(this.updateId, this.levelTexts(true, limit), this.levelTexts(false, limit));
  }

  /** The whole book as decimal strings, best first (for tests and `lockstep sim` checks). */
  levelTexts(isBid: boolean, limit = Infinity): LevelText[] {
    return this.flow.book
      .side(isBid)
      .levels(limit)
      .map(([tick, lots]) => [format8(tick * this.tickUnits), format8(lots * this.lotUnits)]);
  }

  private depthText(U: number, u: number, levels: Map<string, [boolean, number, number]>, nowMs: number): string {
    const bids: LevelText[] = [];
    const asks: LevelText[] = [];
    const sorted = [...levels.values()].sort((x, y) => (x[0] ? y[1] - x[1] : x[1] - y[1]));
    for (const [isBid, tick, lots] of sorted) {
      (isBid ? bids : asks).push([format8(tick * this.tickUnits), format8(lots * this.lotUnits)]);
    }
    return JSON.stringify({ e: 'depthUpdate', E: nowMs, s: this.symbol, U, u, b: bids, a: asks });
  }

  private bookTickerText(): string | null {
    const book = this.flow.book;
    const bid = book.bids.best();
    const ask = book.asks.best();
    if (Number.isNaN(bid) || Number.isNaN(ask)) return null;
    const top = `${bid}:${book.bids.get(bid)}:${ask}:${book.asks.get(ask)}`;
    if (top === this.lastTop) return null;
    this.lastTop = top;
    return JSON.stringify({
      u: this.updateId,
      s: this.symbol,
      b: format8(bid * this.tickUnits),
      B: format8(book.bids.get(bid) * this.lotUnits),
      a: format8(ask * this.tickUnits),
      A: format8(book.asks.get(ask) * this.lotUnits),
    });
  }
}

/** The final quantity of every level a step touched, keyed by side and tick. */
function finalLevels(result: StepResult): Map<string, [boolean, number, number]> {
  const levels = new Map<string, [boolean, number, number]>();
  for (const change of result.changes) levels.set(`${change.isBid ? 'b' : 'a'}${change.tick}`, [change.isBid, change.tick, change.lots]);
  return levels;
}
