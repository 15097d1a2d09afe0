import type { BookView, TradeView } from '../../../../shared/api.js';
import { RateWindow } from '../../metrics/rate-window.js';
import { FEED_STATES, formatFixed, type FeedState } from '../../../../shared/domain.js';
import {
  MAX_LEVELS,
  MarketHeader,
  MarketKind,
  MarketUpdate,
  TradeUpdate,
} from '../../../../shared/records.js';
import { topImbalance } from '../../strategy/features/book-snapshot.js';
import { monoNowUs } from '../../core/clock.js';
import { MarketSnapshots } from '../../core/market-snapshot.js';
import { MarketPipeline } from '../../market/market-pipeline.js';
import { startLiveFeed } from '../market-live-source.js';
import { replayRecording } from '../market-replay-source.js';
import { ReplayClock } from '../replay-clock.js';
import { attachEngine, CounterMirror, pushWaiting, runWorker, Throttle } from '../thread-kit.js';

const RECENT_TRADES = 50;

/**
 * The market-data thread: frames in (from the exchange, or a recording in replay), the
 * order book, and market records out to the strategy and execution rings. It also keeps
 * the MarketSnapshot seqlock current for any reader and reports the book to the window
 * at ≤ ui_hz. Event-driven (WebSocket or file reads), so it never parks on a ring.
 */
runWorker('market', async () => {
  const engine = attachEngine();
  const { wiring, control } = engine;
  const symbols = wiring.symbols;
  const toStrategy = engine.ring('market_to_strategy');
  const toExecution = engine.ring('market_to_execution');
  const strategyBell = control.doorbell('strategy');
  const executionBell = control.doorbell('execution');
  const snapshots = MarketSnapshots.attach(wiring.snapshots);
  const frameStage = control.histogram('parse');
  const depthLevels = wiring.config.strategy.params.depth_levels;
  const log = (
    level: 'debug' | 'info' | 'warn' | 'error',
    msg: string,
    data?: Record<string, unknown>,
  ): void => engine.report({ kind: 'log', level, msg, ...(data ? { data } : {}) });

  // Recent trades kept as numbers; views are built only when the window is told.
  const tradeSlots = new Float64Array(RECENT_TRADES * 5);
  let tradeCount = 0;

  const header = new MarketHeader();
  const bookIn = new MarketUpdate();
  const tradeIn = new TradeUpdate();
  const sink = (record: Float64Array): void => {
    const h = header.at(record, 0);
    const kind = h.kind;
    h.mdUs = kind === MarketKind.END ? 0 : monoNowUs() - h.t0Us;
    if (kind === MarketKind.BOOK) writeSnapshot(bookIn.read(record, 0));
    else if (kind === MarketKind.TRADE) {
      const trade = tradeIn.read(record, 0);
      const at = (tradeCount++ % RECENT_TRADES) * 5;
      tradeSlots[at] = trade.symbol;
      tradeSlots[at + 1] = trade.tsUs;
      tradeSlots[at + 2] = trade.price;
      tradeSlots[at + 3] = trade.qty;
      tradeSlots[at + 4] = trade.isBuyerMaker ? 1 : 0;
    }
    pushWaiting(toStrategy, record, strategyBell, control);
    pushWaiting(toExecution, record, executionBell, control);
  };

  const writeSnapshot = (book: MarketUpdate): void => {
    const bid = book.bidCount > 0 ? book.bidPrice(0) : 0;
    const ask = book.askCount > 0 ? book.askPrice(0) : 0;
    const imbalance = topImbalance(book, depthLevels);
    const spreadBps = bid > 0 && ask > 0 ? ((ask - bid) / ((ask + bid) / 2)) * 1e4 : 0;
    snapshots.write(
      book.symbol,
      book.tsUs,
      bid,
      ask,
      Math.round(imbalance * 1e9),
      Math.round(spreadBps * 100),
      book.seq,
    );
  };

  const pipeline = new MarketPipeline(symbols, { log }, sink);

  const onFrame = (data: Uint8Array | string, tsUs: number, t0Us: number): void => {
    pipeline.onFrame(data, tsUs, t0Us);
    frameStage.record((monoNowUs() - t0Us) * 1000);
  };

  // ---- reporting to the window and the control block's counters --------------------
  const mirror = new CounterMirror<Parameters<typeof control.add>[0]>((name, n) =>
    control.add(name, n),
  );
  const syncCounters = (): void => {
    const c = pipeline.counters;
    mirror.sync('market_updates', c.frames + c.snapshots);
    mirror.sync('book_updates', c.bookUpdates);
    mirror.sync('trades', c.trades);
    mirror.sync('gaps', c.gaps);
    mirror.sync('resyncs', c.resyncs);
    mirror.sync('malformed', c.malformed);
  };
  const bookView = (symbol: string): BookView => {
    const state = pipeline.book(symbol);
    const prices = new Float64Array(MAX_LEVELS);
    const qtys = new Float64Array(MAX_LEVELS);
    const side = (which: typeof state.book.bids): Array<readonly [string, string]> => {
      const n = which.top(MAX_LEVELS, prices, qtys, 0);
      const out: Array<readonly [string, string]> = [];
      for (let i = 0; i < n; i++) out.push([formatFixed(prices[i]!), formatFixed(qtys[i]!)]);
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
  };
  const recentTrades = (): TradeView[] => {
    const out: TradeView[] = [];
    const n = Math.min(tradeCount, RECENT_TRADES);
    for (let k = 0; k < n; k++) {
      const at = ((tradeCount - 1 - k) % RECENT_TRADES) * 5;
      out.push({
        symbol: symbols[tradeSlots[at]!] ?? '?',
        tsUs: tradeSlots[at + 1]!,
        price: formatFixed(tradeSlots[at + 2]!),
        qty: formatFixed(tradeSlots[at + 3]!),
        isBuyerMaker: tradeSlots[at + 4] === 1,
      });
    }
    return out;
  };
  // Messages per second over the last 5 s: steady, not the burst of the last 33 ms.
  const messageRate = new RateWindow(5000);
  const throttle = new Throttle(1000 / wiring.config.engine.ui_hz);
  const report = (): void => {
    syncCounters();
    const rate = messageRate.sample(Date.now(), pipeline.counters.frames);
    const feeds: FeedState[] = symbols.map((symbol) => pipeline.feedState(symbol));
    feeds.forEach((feed, i) => control.setFeedState(i, FEED_STATES.indexOf(feed)));
    engine.report({
      kind: 'market',
      books: symbols.map(bookView),
      trades: recentTrades(),
      feeds,
      messagesPerSecond: rate,
    });
  };

  if (wiring.mode === 'replay') {
    const replayFile = wiring.replayFile;
    if (!replayFile) throw new Error('replay mode needs a recording file');
    await replayRecording(replayFile, pipeline, onFrame, {
      log,
      stopRequested: () => control.stopRequested(),
      ...(wiring.replayClock ? { clock: ReplayClock.attach(wiring.replayClock) } : {}),
      onProgress: () => {
        if (throttle.due(Date.now())) report();
      },
    });
    report();
    engine.report({ kind: 'done', thread: 'market', summary: { ...pipeline.counters } });
    return;
  }

  const feed = startLiveFeed(wiring.config, pipeline, onFrame, log);
  const timer = setInterval(() => {
    if (control.stopRequested()) {
      clearInterval(timer);
      void feed.close().then(() => {
        report();
        engine.report({ kind: 'done', thread: 'market', summary: { ...pipeline.counters } });
        process.exit(0);
      });
      return;
    }
    report();
  }, 1000 / wiring.config.engine.ui_hz);
});
