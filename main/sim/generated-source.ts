import { Rng } from '../engine/core/rng.js';
import { BTC_FLOW, ETH_FLOW, type FlowParams } from './order-flow.js';
import { streamNames, type BookLevels, type MarketSource, type Publish, type RestReply } from './market-source.js';
import { SymbolMarket } from './symbol-market.js';

const FLOWS: Readonly<Record<string, FlowParams>> = { BTCUSDT: BTC_FLOW, ETHUSDT: ETH_FLOW };

/** A flow for a symbol without its own parameters: ETH-like, mid 100.00. */
const OTHER_FLOW: FlowParams = { ...ETH_FLOW, midTicks: 10_000 };

/**
 * Generated markets: each symbol steps 100 ms of market time per tick, `rate` ticks a
 * second (10 = real time, Binance's 100 ms diff cadence). Each symbol draws from its own
 * Rng derived from the seed, so adding a symbol does not change the others' markets.
 */
export class GeneratedSource implements MarketSource {
  private readonly markets = new Map<string, SymbolMarket>();
  private timer: NodeJS.Timeout | undefined;
  private publish: Publish | undefined;
  private paused = false;

  constructor(
    readonly symbols: readonly string[],
    seed: number,
    private readonly rate = 10,
  ) {
    if (!(rate > 0 && rate <= 1000)) throw new Error(`--rate must be between 0 and 1000 diffs a second, got ${rate}`);
    symbols.forEach((symbol, i) => {
      this.markets.set(symbol, new SymbolMarket(symbol, FLOWS[symbol] ?? OTHER_FLOW, new Rng(seed * 7919 + i + 1)));
    });
  }

  start(publish: Publish): void {
    this.publish = publish;
    this.timer = setInterval(() => this.tick(), 1000 / this.rate);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** One step of every symbol; public so tests can drive the market without timers. */
  tick(): void {
    if (this.paused || !this.publish) return;
    const now = Date.now();
    for (const [symbol, market] of this.markets) {
      const streams = streamNames(symbol);
      const out = market.step(0.1, now);
      for (const trade of out.trades) this.publish([streams.trade], trade);
      if (out.depth100) this.publish([streams.depth100], out.depth100);
      if (out.depth1000) this.publish([streams.depth1000], out.depth1000);
      if (out.bookTicker) this.publish([streams.bookTicker], out.bookTicker);
    }
  }

  snapshot(symbol: string, limit: number): RestReply {
    return { status: 200, body: this.market(symbol).snapshot(limit) };
  }

  book(symbol: string): BookLevels {
    const market = this.market(symbol);
    return { lastUpdateId: market.updateId, bids: market.levelTexts(true), asks: market.levelTexts(false) };
  }

  private market(symbol: string): SymbolMarket {
    const market = this.markets.get(symbol);
    if (!market) throw new Error(`the simulator does not trade ${symbol}`);
    return market;
  }
}
