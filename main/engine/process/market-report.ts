import type { BookView, TradeView } from '../../../shared/api.js';
import { FEED_STATES, formatFixed, type FeedState } from '../../../shared/domain.js';
import { MAX_LEVELS, MarketUpdate, TradeUpdate } from '../../../shared/records.js';
import type { ControlBlock } from '../core/control-block.js';
import type { MarketSnapshots } from '../core/market-snapshot.js';
import { RateWindow } from '../metrics/rate-window.js';
import type { MarketPipeline } from '../market/market-pipeline.js';
import { topImbalance } from '../strategy/features/book-snapshot.js';
import { CounterMirror } from './thread-kit.js';
import type { WorkerReport } from './worker-messages.js';

const RECENT_TRADES = 50;
const TRADE_SLOTS = 5;

/**
 * What the thread that owns the market pipeline (the market-data thread, or the hot
 * thread) tells the rest of the engine: the MarketSnapshots seqlock after every book
 * update (the engine main thread reads the top of book and marks from it), the recent
 * trades kept as numbers, and at ≤ ui_hz the book views and counters. Per tick it only
 * stores numbers; views are built when the window is told.
 */
export class MarketReporter {
  private readonly tradeSlots = new Float64Array(RECENT_TRADES * TRADE_SLOTS);
  private tradeCount = 0;
  /** Messages per second over the last 5 s: steady, not the burst of the last 33 ms. */
  private readonly messageRate = new RateWindow(5000);
  private readonly mirror: CounterMirror<Parameters<ControlBlock['add']>[0]>;
  private readonly prices = new Float64Array(MAX_LEVELS);
  private readonly qtys = new Float64Array(MAX_LEVELS);
  private readonly book = new MarketUpdate();
  private readonly trade = new TradeUpdate();

  constructor(
    private readonly pipeline: MarketPipeline,
    private readonly control: ControlBlock,
    private readonly snapshots: MarketSnapshots,
    private readonly depthLevels: number,
  ) {
    this.mirror = new CounterMirror((name, n) => control.add(name, n));
  }

  /** Publishes a BOOK record's top of book to the seqlock (allocation-free). */
  writeSnapshot(record: Float64Array): void {
    const book = this.book.read(record, 0);
    const bid = book.bidCount > 0 ? book.bidPrice(0) : 0;
    const ask = book.askCount > 0 ? book.askPrice(0) : 0;
    const imbalance = topImbalance(book, this.depthLevels);
    const spreadBps = bid > 0 && ask > 0 ? ((ask - bid) / ((ask + bid) / 2)) * 1e4 : 0;
    this.snapshots.write(
      book.symbol,
      book.tsUs,
      bid,
      ask,
      Math.round(imbalance * 1e9),
      Math.round(spreadBps * 100),
      book.seq,
    );
  }

  /** Keeps a TRADE record for the window's recent trades (a fixed ring of numbers). */
  onTrade(record: Float64Array): void {
    const trade = this.trade.read(record, 0);
    const at = (this.tradeCount++ % RECENT_TRADES) * TRADE_SLOTS;
    const slots = this.tradeSlots;
    slots[at] = trade.symbol;
    slots[at + 1] = trade.tsUs;
    slots[at + 2] = trade.price;
    slots[at + 3] = trade.qty;
    slots[at + 4] = trade.isBuyerMaker ? 1 : 0;
  }

  /** Mirrors the pipeline's counters into the control block. */
  syncCounters(): void {
    const c = this.pipeline.counters;
    const mirror = this.mirror;
    mirror.sync('market_updates', c.frames + c.snapshots);
    mirror.sync('book_updates', c.bookUpdates);
    mirror.sync('trades', c.trades);
    mirror.sync('gaps', c.gaps);
    mirror.sync('resyncs', c.resyncs);
    mirror.sync('malformed', c.malformed);
  }

  /** The window's market report (≤ ui_hz): books, recent trades, feed states, rate. */
  report(): WorkerReport {
    this.syncCounters();
    const rate = this.messageRate.sample(Date.now(), this.pipeline.counters.frames);
    const symbols = this.pipeline.symbols;
    const feeds: FeedState[] = symbols.map((symbol) => this.pipeline.feedState(symbol));
    feeds.forEach((feed, i) => this.control.setFeedState(i, FEED_STATES.indexOf(feed)));
    return {
      kind: 'market',
      books: symbols.map((symbol) => this.bookView(symbol)),
      trades: this.recentTrades(),
      feeds,
      messagesPerSecond: rate,
    };
  }

  private bookView(symbol: string): BookView {
    const state = this.pipeline.book(symbol);
    const side = (which: typeof state.book.bids): Array<readonly [string, string]> => {
      const n = which.top(MAX_LEVELS, this.prices, this.qtys, 0);
      const out: Array<readonly [string, string]> = [];
      for (let i = 0; i < n; i++)
        out.push([formatFixed(this.prices[i]!), formatFixed(this.qtys[i]!)]);
      return out;
    };
    const bids = side(state.book.bids);
    const asks = side(state.book.asks);
    const bestBid = state.book.bestBid();
    const bestAsk = state.book.bestAsk();
    const both = bids.length > 0 && asks.length > 0;
    const mid = both ? (bestBid + bestAsk) / 2 / 1e8 : null;
    return {
      symbol,
      synced: state.synced,
      lastUpdateId: state.lastUpdateId,
      bids,
      asks,
      mid,
      spreadBps: both && mid ? ((bestAsk - bestBid) / 1e8 / mid) * 1e4 : null,
    };
  }

  private recentTrades(): TradeView[] {
    const out: TradeView[] = [];
    const symbols = this.pipeline.symbols;
    const slots = this.tradeSlots;
    const n = Math.min(this.tradeCount, RECENT_TRADES);
    for (let k = 0; k < n; k++) {
      const at = ((this.tradeCount - 1 - k) % RECENT_TRADES) * TRADE_SLOTS;
      out.push({
        symbol: symbols[slots[at]!] ?? '?',
        tsUs: slots[at + 1]!,
        price: formatFixed(slots[at + 2]!),
        qty: formatFixed(slots[at + 3]!),
        isBuyerMaker: slots[at + 4] === 1,
      });
    }
    return out;
  }
}
