import type { SignalView } from '../../../shared/api.js';
import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  type Config,
} from '../../../shared/config.js';
import {
  MANUAL_STRATEGY_ID,
  REJECT_REASONS,
  asSymbolIndex,
  type TradingStateCode,
} from '../../../shared/domain.js';
import {
  MarketHeader,
  MarketKind,
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
  PersistKind,
  PersistRecord,
  SignalRow,
  persistKindOf,
} from '../../../shared/records.js';
import { monoNowUs } from '../core/clock.js';
import type { ControlBlock } from '../core/control-block.js';
import { rejectionCounter } from '../core/control-tables.js';
import type { LatencyHistogram } from '../core/histogram.js';
import type { MarketSnapshots } from '../core/market-snapshot.js';
import { Rng } from '../core/rng.js';
import type { SpscRing } from '../core/spsc-ring.js';
import { PaperBroker } from '../execution/paper-broker.js';
import { FrameOutcome, MarketPipeline } from '../market/market-pipeline.js';
import type { BrokerRestoreState } from '../persistence/restore.js';
import { decodeSignalRecord } from '../strategy/signal-record.js';
import { signalReason } from '../strategy/signal-reason.js';
import type { MLSignalGenerator } from '../strategy/signals/ml-signal.js';
import { StrategyCore, StrategyOutput } from '../strategy/strategy-core.js';
import { DrawdownHalt } from '../execution/drawdown-halt.js';
import { dispatchCommand, engineStrategyIds, ManualOrderGate } from '../execution/manual-orders.js';
import { ORDER_LIST_ROWS } from './cancel-check.js';
import { MarketReporter } from './market-report.js';
import { WarmPath } from './warm-path.js';
import { CounterMirror } from './thread-kit.js';
import type { WorkerReport } from './worker-messages.js';
import { HeapSampler } from './heap-sampler.js';
import type { LogFn } from '../../../shared/log.js';

/** Signals kept for the window, as raw records (decoded only when reported). */
const RECENT_SIGNALS = 50;

export interface HotLoopOptions {
  readonly config: Config;
  readonly control: ControlBlock;
  readonly snapshots: MarketSnapshots;
  /** Engine-wide order ids (strategy orders and the trader's flatten orders share them). */
  readonly nextOrderId: () => number;
  /** Broker rows (orders, fills, positions) for persistence; the record is reused. */
  readonly persistRow: (record: Float64Array) => void;
  /** Signal rows for persistence; the record is reused. */
  readonly signalRow: (record: Float64Array) => void;
  readonly log?: LogFn;
  readonly ml?: MLSignalGenerator | null;
  /** Live: what the database held (positions, open orders, ids). */
  readonly restored?: BrokerRestoreState;
  /** Keep a dry-run copy of the path ready for warmPass() (live, layout hot). */
  readonly keepWarm?: boolean;
  /** max_drawdown tripped: the loop has halted through the trading-state word; tell the engine why. */
  readonly onDrawdownHalt?: (reason: string) => void;
  /** When the engine main thread changed the trading state (monoNowUs), for the kill-switch histogram. */
  readonly killSwitchStampUs?: () => number;
  /** Called with that stamp once the change has been acted on (open orders cancelled). */
  readonly killSwitchActed?: (stampUs: number) => void;
}

/**
 * The hot thread's business logic (docs/ARCHITECTURE.md §1, layout "hot"): one call per frame runs
 * market data → book → features → signal → risk → order → paper broker, with no ring
 * and no thread hand-over between the stages. The strategy's order goes straight into
 * the broker; the trading-state word is read before every order. Rings exist only at the
 * edges: rows out (the sinks), trader commands in (drainCommands).
 *
 * The order of work per market record is the pipeline layout's replay order (strategy
 * decides on the positions after the previous tick, the broker sees the tick, then the
 * order), so both layouts give the same replay results; here it is so by construction.
 *
 * No allocation per tick: records are reused, counters are plain numbers mirrored into
 * the control block when reported, the window's views are built only in report().
 */
export class HotLoop {
  readonly pipeline: MarketPipeline;
  readonly core: StrategyCore;
  readonly broker: PaperBroker;
  readonly reporter: MarketReporter;
  /** Set once the END record passed (replay). */
  ended = false;
  private readonly control: ControlBlock;
  private readonly symbolCount: number;
  private readonly orderOut = new Float64Array(OrderRecord.SLOTS);
  private readonly order = new OrderCommand();
  private readonly header = new MarketHeader();
  private readonly signalOut = new Float64Array(PersistRecord.SLOTS);
  private readonly tickToTrade: LatencyHistogram;
  private readonly fillStage: LatencyHistogram;
  private readonly parseStage: LatencyHistogram;
  private readonly killSwitchStage: LatencyHistogram;
  private readonly killSwitchStamp: () => number;
  private readonly killSwitchActed: (stampUs: number) => void;
  private readonly persistRow: (record: Float64Array) => void;
  private readonly signalRow: (record: Float64Array) => void;
  private readonly params = { ...DEFAULT_STRATEGY_PARAMS };
  private readonly limits = { ...DEFAULT_RISK_LIMITS };
  private generation = -1;
  /** The trading-state word as last applied; -1 before the first read. */
  private tradingState: TradingStateCode | -1 = -1;
  /** The state-change stamp read just after the last apply: the window's `settled`. */
  private appliedStampUs = 0;
  private ordersSubmitted = 0;
  private readonly signalSlots = new Float64Array(RECENT_SIGNALS * PersistRecord.SLOTS);
  /** min_confidence when each kept signal was made: its reason reads the threshold of its time. */
  private readonly signalThresholds = new Float64Array(RECENT_SIGNALS);
  /** Signals by confidence, tenths 0..9 (the window's distribution). */
  private readonly confidenceBins = new Float64Array(10);
  private readonly signalView = new SignalRow();
  private signalCount = 0;
  /** The window's view of each kept signal, and which signal (its index) it was built for. */
  private readonly builtSignals: (SignalView | undefined)[] = new Array<undefined>(RECENT_SIGNALS);
  private readonly builtSignalIndex = new Float64Array(RECENT_SIGNALS).fill(-1);
  private readonly heap = new HeapSampler();
  private readonly strategyMirror: CounterMirror<Parameters<ControlBlock['add']>[0]>;
  private readonly warm: WarmPath | null;
  /** The trader's own orders pass the strategy's risk check here, beside the broker. */
  private readonly gate: ManualOrderGate;
  /** max_drawdown, checked where PnL is computed: after the broker saw each tick. */
  private readonly drawdown: DrawdownHalt;

  constructor(options: HotLoopOptions) {
    const { config, control } = options;
    const symbols = config.strategy.symbols;
    this.control = control;
    this.symbolCount = symbols.length;
    this.persistRow = options.persistRow;
    this.signalRow = options.signalRow;
    this.tickToTrade = control.histogram('tick_to_trade');
    this.fillStage = control.histogram('fill');
    this.parseStage = control.histogram('parse');
    this.killSwitchStage = control.histogram('kill_switch');
    this.killSwitchStamp = options.killSwitchStampUs ?? (() => 0);
    this.killSwitchActed = options.killSwitchActed ?? (() => undefined);
    const log: LogFn = options.log ?? (() => undefined);
    const featuresStage = control.histogram('features');
    const signalStage = control.histogram('signal');
    const riskStage = control.histogram('risk');
    const orderStage = control.histogram('order_create');
    this.broker = new PaperBroker(config, {
      symbols,
      strategyIds: engineStrategyIds(config.strategy.strategy_id),
      rng: new Rng(config.execution.seed),
      sink: (record) => {
        if (persistKindOf(record, 0) === PersistKind.FILL) control.add('fills');
        this.persistRow(record);
      },
      log,
    });
    if (options.restored)
      this.broker.restore(
        options.restored.positions,
        options.restored.openOrders,
        options.restored.ids,
      );
    // The same seeds as the pipeline layout's strategy and execution threads.
    this.core = new StrategyCore(config, {
      symbols,
      nextOrderId: options.nextOrderId,
      rng: new Rng(config.execution.seed ^ 0x5eed),
      ml: options.ml ?? null,
      log: (level, msg) => log(level, msg),
      timings: {
        features: (ns) => featuresStage.record(ns),
        signal: (ns) => signalStage.record(ns),
        risk: (ns) => riskStage.record(ns),
        orderCreate: (ns) => orderStage.record(ns),
      },
    });
    this.pipeline = new MarketPipeline(symbols, { log }, (record) => this.onRecord(record));
    this.reporter = new MarketReporter(
      this.pipeline,
      control,
      options.snapshots,
      config.strategy.params.depth_levels,
    );
    this.strategyMirror = new CounterMirror((name, n) => control.add(name, n));
    this.gate = new ManualOrderGate(symbols.length, config.strategy.risk_limits);
    const onDrawdownHalt = options.onDrawdownHalt ?? (() => undefined);
    this.drawdown = new DrawdownHalt(this.broker, control, onDrawdownHalt);
    this.warm = options.keepWarm
      ? new WarmPath(config, this.pipeline, this.core, this.broker)
      : null;
    this.syncControl();
  }

  /**
   * One frame from the exchange or a recording; t0Us = when its bytes were delivered. A
   * replay passes bytes[start, end) of the file's read buffer.
   */
  onFrame(
    data: Uint8Array | string,
    tsUs: number,
    t0Us: number,
    start = 0,
    end = data.length,
  ): void {
    // The kill switch at the top of every tick, whatever the frame turns out to be.
    const state = this.control.tradingState();
    if (state !== this.tradingState) this.applyTradingState(state);
    const pipeline = this.pipeline;
    const fallbacks = pipeline.counters.fallbackParses;
    const outcome = pipeline.onFrame(data, tsUs, t0Us, start, end);
    this.parseStage.record((monoNowUs() - t0Us) * 1000);
    // keep_warm replays depth frames the byte scanner took (a fallback parse allocates);
    // live frames come whole (only a replay, which never keeps warm, passes a range).
    if (
      this.warm !== null &&
      outcome === FrameOutcome.BOOK_UPDATED &&
      typeof data !== 'string' &&
      start === 0 &&
      end === data.length &&
      pipeline.counters.fallbackParses === fallbacks
    )
      this.warm.rememberFrame(data);
  }

  /**
   * Reads the control block between ticks: live params (seqlock, all or nothing) and the
   * trading-state word. A change to HALTED cancels every open order here, at once.
   */
  syncControl(): void {
    const control = this.control;
    const generation = control.readParams(this.params, this.limits, this.generation);
    if (generation !== this.generation) {
      this.generation = generation;
      this.core.setParams(this.params, this.limits);
      this.gate.setLimits(this.limits);
    }
    const state = control.tradingState();
    if (state !== this.tradingState) this.applyTradingState(state);
  }

  private applyTradingState(state: TradingStateCode): void {
    const first = this.tradingState < 0;
    this.tradingState = state;
    this.core.setTradingState(state);
    this.broker.setTradingState(state);
    this.gate.setTradingState(state);
    this.shareBrokerState();
    const stampUs = this.killSwitchStamp();
    this.appliedStampUs = stampUs;
    if (!first) {
      if (stampUs > 0) {
        this.killSwitchStage.record((monoNowUs() - stampUs) * 1000);
        this.killSwitchActed(stampUs);
      }
    }
  }

  /**
   * Trader commands from the command ring (cancel, cancel all, flatten, manual orders,
   * reduce-only …): every OrderRecord goes to the broker exactly as the pipeline
   * layout's execution thread hands it over.
   */
  drainCommands(ring: SpscRing): number {
    let n = 0;
    this.syncControl();
    for (let off = ring.peek(); off >= 0; off = ring.peek()) {
      dispatchCommand(this.broker, this.gate, ring.records, off);
      ring.release();
      n++;
    }
    if (n > 0) this.shareBrokerState();
    return n;
  }

  get keepsWarm(): boolean {
    return this.warm !== null;
  }

  /** Orders the dry passes' shadow broker matched (tests: the passes reach the broker). */
  get warmOrders(): number {
    return this.warm?.shadowOrders ?? 0;
  }

  /** A dry pass through the path between ticks (keep_warm); emits and changes nothing live. */
  warmPass(): void {
    this.warm?.pass();
  }

  private onRecord(rec: Float64Array): void {
    const kind = this.header.at(rec, 0).kind;
    if (kind === MarketKind.END) {
      this.ended = true;
      return;
    }
    this.syncControl();
    // The tick-to-trade path first: strategy, the broker's view of the tick, the order.
    // The strategy's positions and open orders were shared when the previous record (or
    // command batch) finished, so it decides on what the broker held after that.
    const flags = this.core.onMarket(rec, 0, this.orderOut, this.signalOut);
    this.broker.onMarket(rec, 0);
    if ((flags & StrategyOutput.ORDER) !== 0) this.submit();
    // The rest serves the window, the trader's own orders and the next tick, after the
    // order is in (each touches memory that would otherwise go cold inside the tick).
    this.gate.onMarket(rec, 0);
    if (kind === MarketKind.BOOK) {
      this.reporter.writeSnapshot(rec);
      this.warm?.remember(rec);
    } else if (kind === MarketKind.TRADE) this.reporter.onTrade(rec);
    // A drawdown halt writes the trading-state word; applying it at once cancels the open orders.
    this.drawdown.check();
    if (this.control.tradingState() !== this.tradingState) this.syncControl();
    if ((flags & StrategyOutput.SIGNAL) !== 0) {
      this.signalRow(this.signalOut);
      const slot = this.signalCount++ % RECENT_SIGNALS;
      this.signalSlots.set(this.signalOut, slot * PersistRecord.SLOTS);
      this.signalThresholds[slot] = this.params.min_confidence;
      const confidence = this.signalView.read(this.signalOut, 0).confidence;
      this.confidenceBins[Math.min(9, Math.max(0, Math.floor(confidence * 10)))]!++;
    }
    this.shareBrokerState();
  }

  /**
   * Gives the strategy the broker's positions and open quantities (sizing, risk). Called
   * whenever the broker may have changed — after every record, command batch and trading
   * state change — so the next book tick finds them ready instead of fetching them
   * inside its tick-to-trade window; the strategy reads them on book updates only.
   */
  private shareBrokerState(): void {
    const core = this.core;
    const broker = this.broker;
    for (let s = 0; s < this.symbolCount; s++) {
      const symbol = asSymbolIndex(s);
      core.setPosition(symbol, broker.position(symbol));
      core.setOpenOrders(symbol, broker.openQuantity(symbol, 1), broker.openQuantity(symbol, -1));
    }
  }

  /** The strategy's order straight into the broker, after one more read of the kill switch. */
  private submit(): void {
    const state = this.control.tradingState();
    if (state !== this.tradingState) this.applyTradingState(state);
    this.ordersSubmitted++;
    const started = monoNowUs();
    this.broker.onOrder(this.orderOut, 0);
    const done = monoNowUs();
    const order = this.order.read(this.orderOut, 0);
    if (order.kind === OrderCommandKind.NEW) {
      this.fillStage.record((done - started) * 1000);
      this.tickToTrade.record((done - order.t0Us) * 1000);
    }
  }

  /** Mirrors the plain counters into the control block (at report time, not per tick). */
  syncCounters(): void {
    this.reporter.syncCounters();
    const c = this.core.counters;
    const mirror = this.strategyMirror;
    mirror.sync('signals_fired', c.fired);
    mirror.sync('signals_suppressed', c.suppressed);
    mirror.sync('signals_none', c.none);
    mirror.sync('orders_submitted', this.ordersSubmitted);
    REJECT_REASONS.forEach((reason, i) => mirror.sync(rejectionCounter(reason), c.rejections[i]!));
  }

  /**
   * The three UI-rate reports the engine main thread assembles the window's state from.
   * They take the hot thread a few hundred microseconds, so the trading-state word is
   * read between them: a kill switch hit meanwhile is acted on at the next of these
   * points, not after the whole set (1–1.5 ms before, which was the kill switch's p99).
   */
  reports(): WorkerReport[] {
    this.syncControl();
    this.syncCounters();
    const market = this.reporter.report();
    this.syncControl();
    const signals: SignalView[] = [];
    const n = Math.min(this.signalCount, RECENT_SIGNALS);
    for (let k = n; k >= 1; k--) signals.push(this.signalViewAt(this.signalCount - k));
    const c = this.core.counters;
    const strategy: WorkerReport = {
      kind: 'strategy',
      signals,
      counts: {
        fired: c.fired,
        suppressed: c.suppressed,
        none: c.none,
        confidenceBins: Array.from(this.confidenceBins),
      },
    };
    this.syncControl();
    // One piece from here on: the applied state and the orders and positions after it.
    // The trader's own book shows once it holds or held something.
    const positions = this.broker
      .positionViews()
      .filter((p) => p.strategyId !== MANUAL_STRATEGY_ID || p.qty !== '0' || p.realizedPnl !== 0);
    return [
      market,
      strategy,
      {
        kind: 'execution',
        orders: this.broker.orderViews(ORDER_LIST_ROWS),
        fills: this.broker.recentFills(100),
        positions,
        totals: {
          realizedPnl: positions.reduce((sum, p) => sum + p.realizedPnl, 0),
          unrealizedPnl: positions.reduce((sum, p) => sum + p.unrealizedPnl, 0),
        },
        appliedState: this.tradingState,
        appliedStampUs: this.appliedStampUs,
        heapUsedBytes: this.heap.usedBytes(),
      },
    ];
  }

  /** The view of the signal made index-th (0 the first); built once, it never changes. */
  private signalViewAt(index: number): SignalView {
    const slot = index % RECENT_SIGNALS;
    if (this.builtSignalIndex[slot] === index) return this.builtSignals[slot]!;
    const {
      orderId: _o,
      rejectReason,
      features: _f,
      ...view
    } = decodeSignalRecord(this.signalSlots, slot * PersistRecord.SLOTS, this.pipeline.symbols);
    const reason = signalReason({ ...view, rejectReason }, this.signalThresholds[slot]!);
    const built = reason === undefined ? view : { ...view, reason };
    this.builtSignals[slot] = built;
    this.builtSignalIndex[slot] = index;
    return built;
  }

  /** The three summaries a finished replay reads (the pipeline layout's per-thread ones). */
  summaries(): {
    market: Record<string, unknown>;
    strategy: Record<string, unknown>;
    execution: Record<string, unknown>;
  } {
    this.syncCounters();
    const c = this.core.counters;
    return {
      market: { ...this.pipeline.counters },
      strategy: { ...c, rejections: Array.from(c.rejections) },
      execution: { ...this.broker.summary() },
    };
  }
}
