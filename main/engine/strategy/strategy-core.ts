import type { Config, RiskLimits, StrategyParams } from '../../../shared/config.js';
import {
  symbolSpecFor,
  type FeedStateCode,
  type Qty,
  type SymbolIndex,
  type TradingStateCode,
} from '../../../shared/domain.js';
import {
  FeedStateUpdate,
  MarketHeader,
  MarketKind,
  MarketUpdate,
} from '../../../shared/records.js';
import { monoNowNs } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { FeatureSet, type FeatureSetOptions } from './features/feature-set.js';
import type { FeatureVector } from './features/feature-vector.js';
import { OrderFactory } from './orders/order-factory.js';
import { RISK_ACCEPTED, RiskValidator } from './risk/risk-validator.js';
import { SignalStatus, writeSignalRecord } from './signal-record.js';
import { ImbalanceSignalGenerator } from './signals/imbalance-signal.js';
import type { MLSignalGenerator } from './signals/ml-signal.js';
import { SignalKind, type SignalGenerator } from './signals/signal-generator.js';
import type { LogFn } from '../../../shared/log.js';

/** onMarket's result bits. */
export const StrategyOutput = {
  /** An OrderRecord was written to orderOut. */
  ORDER: 1,
  /** A SIGNAL PersistRecord was written to signalOut. */
  SIGNAL: 2,
} as const;

/** Per-stage latency sink (ns); the strategy thread wires it to the control block's histograms. */
export interface StrategyStageTimings {
  features(ns: number): void;
  signal(ns: number): void;
  risk(ns: number): void;
  orderCreate(ns: number): void;
}

export interface StrategyCoreOptions {
  /** The configured symbols; a market record's SYMBOL is an index into this list. */
  readonly symbols: readonly string[];
  readonly nextOrderId: () => number;
  readonly rng: Rng;
  /**
   * The ML generator when `strategy.enable_ml` loaded one; null (or a model that later
   * fails) trades the imbalance strategy instead, with a warning.
   */
  readonly ml?: MLSignalGenerator | null;
  readonly log?: LogFn;
  readonly timings?: StrategyStageTimings;
  /** Index of `strategy.strategy_id` in the engine's strategy table (default 0). */
  readonly strategyIndex?: number;
  readonly features?: FeatureSetOptions;
}

export interface StrategyCounters {
  /** Book updates with both sides present (each produced a feature row). */
  bookUpdates: number;
  trades: number;
  fired: number;
  suppressed: number;
  /** Book updates on which the generator had nothing to say. */
  none: number;
  ordersCreated: number;
  /** Fired signals that needed no order: target reached, or the size rounded to zero. */
  noOrderNeeded: number;
  /** Records naming a symbol index outside the configured list (skipped). */
  unknownSymbol: number;
  /** Times a failing ML model was replaced by the imbalance strategy. */
  mlFallbacks: number;
  /** Risk refusals per REJECT_REASONS index. */
  readonly rejections: Float64Array;
}

/**
 * The single-threaded heart of the strategy: market records in, at most one order and one
 * signal record out per record. The strategy thread wraps it in the ring loop; replay,
 * the `features` command and tests call it directly.
 *
 * Per book update (MarketKind.BOOK): features (window push + every extractor) → signal →
 * if fired: sizing → risk check → order record. Trades feed the trade features only;
 * FEED_STATE records update the risk check's feed state; END does nothing here.
 * No allocation per record. Parameters and limits are swapped only between two calls
 * (setParams), never inside one.
 */
export class StrategyCore {
  readonly counters: StrategyCounters;
  private readonly sets: FeatureSet[];
  private readonly risk: RiskValidator;
  private readonly factory: OrderFactory;
  private readonly imbalance: ImbalanceSignalGenerator;
  private ml: MLSignalGenerator | null;
  private generator: SignalGenerator;
  private readonly openOrderUnits: Float64Array;
  private readonly strategyIndex: number;
  private readonly log: LogFn;
  private readonly timings: StrategyStageTimings | null;
  private latest: FeatureVector;
  private readonly header = new MarketHeader();
  private readonly bookIn = new MarketUpdate();
  private readonly feedIn = new FeedStateUpdate();

  constructor(config: Config, options: StrategyCoreOptions) {
    const { symbols } = options;
    if (symbols.length === 0) throw new Error('StrategyCore needs at least one symbol');
    const params = config.strategy.params;
    const limits = config.strategy.risk_limits;
    this.log = options.log ?? (() => {});
    this.timings = options.timings ?? null;
    this.strategyIndex = options.strategyIndex ?? 0;
    this.sets = symbols.map((_, i) => {
      const set = new FeatureSet(params, options.features);
      set.vector.symbolIndex = i;
      return set;
    });
    this.latest = this.sets[0]!.vector;
    this.risk = new RiskValidator(symbols.length, limits);
    this.factory = new OrderFactory({
      symbolSpecs: symbols.map(symbolSpecFor),
      nextOrderId: options.nextOrderId,
      rng: options.rng,
      orderType: config.strategy.order_type,
      strategyIndex: this.strategyIndex,
    });
    this.factory.setSizing(params, limits);
    this.openOrderUnits = new Float64Array(symbols.length);
    this.counters = {
      bookUpdates: 0,
      trades: 0,
      fired: 0,
      suppressed: 0,
      none: 0,
      ordersCreated: 0,
      noOrderNeeded: 0,
      unknownSymbol: 0,
      mlFallbacks: 0,
      rejections: this.risk.rejections,
    };
    this.imbalance = new ImbalanceSignalGenerator(config.strategy.strategy_id, params);
    this.ml = options.ml ?? null;
    if (this.ml !== null) {
      try {
        this.ml.bindFeatures(this.latest);
      } catch (error) {
        this.fallBackFromMl(`${(error as Error).message}`);
      }
    } else if (config.strategy.enable_ml && options.ml === undefined) {
      this.log(
        'warn',
        'strategy.enable_ml is on but no ML model was loaded; trading the imbalance strategy',
      );
    }
    this.generator = this.ml ?? this.imbalance;
  }

  /** The features of the latest book update (of whichever symbol it was). */
  get features(): FeatureVector {
    return this.latest;
  }

  /** One symbol's feature pipeline (window, extractors, vector). */
  featureSet(symbolIndex: number): FeatureSet {
    return this.sets[symbolIndex]!;
  }

  /** Which generator trades now: 'ml' or 'imbalance'. */
  get activeGenerator(): 'ml' | 'imbalance' {
    return this.generator === this.imbalance ? 'imbalance' : 'ml';
  }

  setParams(params: StrategyParams, limits: RiskLimits): void {
    for (const set of this.sets) set.setParams(params);
    this.imbalance.setParams(params);
    this.ml?.setParams(params);
    this.factory.setSizing(params, limits);
    this.risk.setLimits(limits);
  }

  setTradingState(code: TradingStateCode): void {
    this.risk.setTradingState(code);
  }

  setFeedState(symbolIndex: SymbolIndex, feedState: FeedStateCode): void {
    this.risk.setFeedState(symbolIndex, feedState);
  }

  /** Signed position from the execution side. */
  setPosition(symbolIndex: SymbolIndex, qtyUnits: Qty): void {
    this.risk.setPosition(symbolIndex, qtyUnits);
  }

  /**
   * Signed quantity of the symbol's open (unfilled) orders, from the execution side.
   * Sizing aims position + open orders at the target, so resting orders are not doubled;
   * left at 0 when nobody reports it.
   */
  setOpenOrderQty(symbolIndex: SymbolIndex, signedQtyUnits: number): void {
    this.openOrderUnits[symbolIndex] = signedQtyUnits;
  }

  /**
   * Open orders' remaining size per side (1e-8 units): sizing nets them, the position
   * limit counts the worst case on the order's side.
   */
  setOpenOrders(symbolIndex: SymbolIndex, buyUnits: Qty, sellUnits: Qty): void {
    this.openOrderUnits[symbolIndex] = buyUnits - sellUnits;
    this.risk.setOpenOrders(symbolIndex, buyUnits, sellUnits);
  }

  /** Settles with the ML inference in flight (lockstep replay awaits it after each tick); null when none. */
  idle(): Promise<void> | null {
    return this.ml === null ? null : this.ml.idle();
  }

  /**
   * Processes the MarketRecord at rec[off..]. Returns StrategyOutput bits: ORDER when an
   * OrderRecord was written to orderOut[0..], SIGNAL when a SIGNAL PersistRecord (fired or
   * suppressed) was written to signalOut[0..].
   */
  onMarket(
    rec: Float64Array,
    off: number,
    orderOut: Float64Array,
    signalOut: Float64Array,
  ): number {
    const header = this.header.at(rec, off);
    const kind = header.kind;
    const symbol = header.symbol;
    const set = this.sets[symbol];
    if (set === undefined) {
      if (kind !== MarketKind.END) this.counters.unknownSymbol++;
      return 0;
    }
    if (kind === MarketKind.TRADE) {
      this.counters.trades++;
      set.onTrade(rec, off);
      return 0;
    }
    if (kind === MarketKind.FEED_STATE) {
      this.risk.setFeedState(symbol, this.feedIn.read(rec, off).feedState);
      return 0;
    }
    if (kind !== MarketKind.BOOK) return 0;
    return this.onBook(set, symbol, rec, off, orderOut, signalOut);
  }

  private onBook(
    set: FeatureSet,
    symbol: SymbolIndex,
    rec: Float64Array,
    off: number,
    orderOut: Float64Array,
    signalOut: Float64Array,
  ): number {
    const timings = this.timings;
    const t0 = timings === null ? 0 : monoNowNs();
    const book = this.bookIn.read(rec, off);
    this.risk.setBookSynced(symbol, book.synced);
    if (!set.onBook(rec, off)) return 0;
    const features = set.vector;
    this.latest = features;
    this.counters.bookUpdates++;
    this.risk.setMark(symbol, features.values[0]!);
    const t1 = timings === null ? 0 : monoNowNs();
    timings?.features(t1 - t0);

    if (this.ml !== null && this.ml.lastError !== null)
      this.fallBackFromMl(this.ml.lastError.message);
    const signal = this.generator.generate(features);
    const t2 = timings === null ? 0 : monoNowNs();
    timings?.signal(t2 - t1);

    if (signal.kind === SignalKind.NONE) {
      this.counters.none++;
      return 0;
    }
    if (signal.kind === SignalKind.SUPPRESSED) {
      this.counters.suppressed++;
      writeSignalRecord(signalOut, signal, features, this.strategyIndex, SignalStatus.SUPPRESSED);
      return StrategyOutput.SIGNAL;
    }
    this.counters.fired++;
    const signalRow = writeSignalRecord(
      signalOut,
      signal,
      features,
      this.strategyIndex,
      SignalStatus.FIRED,
    );

    const exposure = this.risk.position(symbol) + this.openOrderUnits[symbol]!;
    const factory = this.factory;
    if (!factory.plan(symbol, signal.strength, exposure, book)) {
      this.counters.noOrderNeeded++;
      if (timings !== null) timings.orderCreate(monoNowNs() - t2);
      return StrategyOutput.SIGNAL;
    }
    const t3 = timings === null ? 0 : monoNowNs();
    const verdict = this.risk.check(
      symbol,
      factory.side,
      factory.qtyUnits,
      factory.priceUnits,
      book.tsUs,
    );
    const t4 = timings === null ? 0 : monoNowNs();
    timings?.risk(t4 - t3);
    if (verdict !== RISK_ACCEPTED) {
      signalRow.rejectReason = verdict;
      return StrategyOutput.SIGNAL;
    }
    const orderId = factory.write(orderOut, 0, symbol, book, signal.strength, signal.confidence);
    signalRow.orderId = orderId;
    this.counters.ordersCreated++;
    if (timings !== null) timings.orderCreate(t3 - t2 + (monoNowNs() - t4));
    return StrategyOutput.ORDER | StrategyOutput.SIGNAL;
  }

  private fallBackFromMl(reason: string): void {
    this.log('warn', `ML signal disabled: ${reason}; falling back to the imbalance strategy`);
    this.ml = null;
    this.generator = this.imbalance;
    this.counters.mlFallbacks++;
  }
}
