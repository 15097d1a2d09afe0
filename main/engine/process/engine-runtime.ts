import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type {
  BookView,
  Command,
  CommandAck,
  EngineState,
  FillView,
  KillSwitchChange,
  OrderView,
  ParamChangeView,
  PositionView,
  SignalCounts,
  SignalView,
  TradeView,
} from '../../../shared/api.js';
import {
  applyParamsPatch,
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  type Config,
  type EngineLayout,
} from '../../../shared/config.js';
import {
  FIXED_SCALE,
  TRADING_STATES,
  TradingStateCode,
  asOrderId,
  asSymbolIndex,
  asTimestampUs,
  type FeedState,
  type TradingState,
} from '../../../shared/domain.js';
import { cancelRefusal, ORDER_LIST_ROWS } from './cancel-check.js';
import {
  encodeManualOrder,
  engineStrategyIds,
  type PlaceOrderCommand,
} from '../execution/manual-orders.js';
import {
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
  type OrderCommandCode,
} from '../../../shared/records.js';
import { ControlBlock } from '../core/control-block.js';
import { LATENCY_STAGES, type EngineThread } from '../core/control-tables.js';
import { monoNowUs } from '../core/clock.js';
import { MarketSnapshots, SnapshotView } from '../core/market-snapshot.js';
import { SpscRing } from '../core/spsc-ring.js';
import { EngineShared } from './engine-shared.js';
import { readLiveStart } from '../persistence/live-start.js';
import { startState } from './start-state.js';
import {
  afterHistory,
  EMPTY_WINDOW_HISTORY,
  withHistory,
  WINDOW_ROWS,
  type WindowHistory,
} from '../persistence/window-history.js';
import {
  createWiring,
  RING_NAMES,
  type EngineMode,
  type EngineWiring,
  type RingName,
} from './engine-wiring.js';
import type { HotThreadMessage, PersistenceControl, WorkerReport } from './worker-messages.js';
import type { ReplayClock } from './replay-clock.js';
import type { LogFn } from '../../../shared/log.js';

export interface EngineRuntimeOptions {
  readonly mode: EngineMode;
  readonly config: Config;
  readonly dbPath: string;
  readonly replayFile?: string;
  /** Replay in the window: paced by this clock, and the state stamped with its time. */
  readonly replayClock?: ReplayClock;
  /** A restart after a crash: start halted and record why. */
  readonly restartReason?: string;
  readonly restarts?: number;
  readonly log?: LogFn;
  readonly onConfigChanged?: (config: Config) => void;
  /** A worker died: the engine cannot trade safely any more; the host restarts it. */
  readonly onFatal?: (error: string) => void;
}

const THREAD_FILES: Readonly<Record<EngineThread, string>> = {
  persistence: 'persistence-thread.js',
  execution: 'execution-thread.js',
  strategy: 'strategy-thread.js',
  market: 'market-data-thread.js',
  hot: 'hot-thread.js',
};

/** The threads of each layout, in start order: persistence first, so nothing produced is ever unconsumed. */
const LAYOUT_THREADS: Readonly<Record<EngineLayout, readonly EngineThread[]>> = {
  hot: ['persistence', 'hot'],
  pipeline: ['persistence', 'execution', 'strategy', 'market'],
};

/**
 * The engine process's main thread: starts the four engine threads on one wiring, turns
 * trader commands into control-block writes and command records, and assembles the
 * state the window sees from the threads' UI-rate reports. It never touches a tick.
 */
export class EngineRuntime {
  readonly wiring: EngineWiring;
  readonly control: ControlBlock;
  private readonly shared: EngineShared;
  private readonly workers = new Map<EngineThread, Worker>();
  private readonly rings = new Map<RingName, SpscRing>();
  private readonly commandRing: SpscRing;
  /** The top of book per symbol, as the trading thread published it after its last book update. */
  private readonly snapshots: MarketSnapshots;
  private readonly snapshot = new SnapshotView();
  private readonly commandRecord = new Float64Array(OrderRecord.SLOTS);
  private readonly commandView = new OrderCommand();
  private config: Config;
  private readonly startedMs = Date.now();
  private stateSeq = 0;
  private killSwitch: KillSwitchChange;
  private readonly recordStart: boolean;
  private readonly paramHistory: ParamChangeView[];
  /** What the window showed before this engine started, from the database. */
  private readonly history: WindowHistory;
  private readonly finished = new Map<EngineThread, Record<string, unknown> | undefined>();
  private finishWaiters: Array<() => void> = [];
  private fatal: string | null = null;

  private books: readonly BookView[] = [];
  private trades: readonly TradeView[] = [];
  private feeds: readonly FeedState[] = [];
  private messagesPerSecond = 0;
  private signals: readonly SignalView[] = [];
  private signalCounts: SignalCounts = { fired: 0, suppressed: 0, none: 0 };
  private orders: readonly OrderView[] = [];
  /** The execution thread's order list, once one arrived (null before: nothing is known yet). */
  private reportedOrders: readonly OrderView[] | null = null;
  private fills: readonly FillView[] = [];
  private positions: readonly PositionView[] = [];
  private totals = { realizedPnl: 0, unrealizedPnl: 0 };
  private tradingHeapBytes: number | null = null;
  /** What the trading thread last reported applying: the window's `killSwitch.settled`. */
  private applied = { state: -1, stampUs: -1 };

  private constructor(private readonly options: EngineRuntimeOptions) {
    this.config = options.config;
    // Live, the database is checked before anything reads it: a damaged one is replaced
    // (and the engine starts halted), and the last recorded trading state is carried over.
    // A replay starts from nothing; live, the engine resumes what the database holds.
    const live =
      options.mode === 'live'
        ? readLiveStart(
            options.dbPath,
            options.config.strategy.symbols,
            engineStrategyIds(options.config.strategy.strategy_id),
          )
        : null;
    const start = startState(options.restartReason, live?.check ?? null, Date.now() * 1000);
    this.wiring = createWiring({
      mode: options.mode,
      config: options.config,
      dbPath: options.dbPath,
      ...(options.replayFile === undefined ? {} : { replayFile: options.replayFile }),
      ...(options.replayClock === undefined ? {} : { replayClock: options.replayClock.buffer }),
      ...(live === null ? {} : { restored: live.restored }),
    });
    for (const skipped of this.wiring.restored?.skipped ?? []) {
      options.log?.(
        'warn',
        `not restored: ${typeof skipped === 'string' ? skipped : JSON.stringify(skipped)}`,
      );
    }
    this.history = live?.history ?? EMPTY_WINDOW_HISTORY;
    this.paramHistory = [...this.history.paramHistory];
    this.orders = this.history.orders;
    this.fills = this.history.fills;
    this.signals = this.history.signals;
    this.control = ControlBlock.attach(this.wiring.control);
    this.shared = EngineShared.attach(this.wiring.shared, this.wiring.symbols.length);
    for (const name of RING_NAMES) this.rings.set(name, SpscRing.attach(this.wiring.rings[name]));
    this.commandRing = this.rings.get('host_to_execution')!;
    this.snapshots = MarketSnapshots.attach(this.wiring.snapshots);
    this.control.setTradingState(TradingStateCode[start.view.state]);
    this.killSwitch = start.view;
    this.recordStart = start.record;
  }

  /** Starts the threads: persistence first, so nothing produced is ever unconsumed. */
  static start(options: EngineRuntimeOptions): EngineRuntime {
    const runtime = new EngineRuntime(options);
    for (const thread of LAYOUT_THREADS[options.config.engine.layout]) runtime.spawn(thread);
    if (runtime.recordStart) {
      const { state, reason, source, changedUs } = runtime.killSwitch;
      runtime.persistControl({ kind: 'killSwitch', tsUs: changedUs, state, reason, source });
    }
    return runtime;
  }

  private spawn(thread: EngineThread): void {
    // Next to this file in dist/: main/engine/process/threads/<thread>-thread.js
    const worker = new Worker(join(__dirname, 'threads', THREAD_FILES[thread]), {
      workerData: this.wiring,
    });
    worker.on('message', (report: WorkerReport) => this.onReport(report));
    worker.on('error', (error) => this.onWorkerFatal(thread, error.stack ?? error.message));
    worker.on('exit', (code) => {
      this.workers.delete(thread);
      if (!this.finished.has(thread) && !this.control.stopRequested()) {
        this.onWorkerFatal(thread, `the ${thread} thread exited unexpectedly (code ${code})`);
      }
      this.notifyFinish();
    });
    this.workers.set(thread, worker);
  }

  private onWorkerFatal(thread: EngineThread, error: string): void {
    if (this.fatal !== null) return;
    this.fatal = `${thread} thread failed: ${error}`;
    this.options.log?.('error', this.fatal);
    // Nothing may trade on a half-dead engine.
    this.control.setTradingState(TradingStateCode.HALTED);
    this.control.requestStop();
    this.options.onFatal?.(this.fatal);
    this.notifyFinish();
  }

  private onReport(report: WorkerReport): void {
    switch (report.kind) {
      case 'market':
        this.books = report.books;
        this.trades = report.trades;
        this.feeds = report.feeds;
        this.messagesPerSecond = report.messagesPerSecond;
        break;
      case 'strategy':
        this.signals = afterHistory(report.signals, this.history.signals, WINDOW_ROWS.signals);
        this.signalCounts = report.counts;
        break;
      case 'execution':
        this.orders = withHistory(
          report.orders,
          this.history.orders,
          (o) => o.orderId,
          WINDOW_ROWS.orders,
        );
        this.reportedOrders = report.orders;
        this.fills = withHistory(
          report.fills,
          this.history.fills,
          (f) => f.tradeId,
          WINDOW_ROWS.fills,
        );
        this.positions = report.positions;
        this.totals = report.totals;
        this.applied = { state: report.appliedState, stampUs: report.appliedStampUs };
        if (report.heapUsedBytes !== undefined) this.tradingHeapBytes = report.heapUsedBytes;
        break;
      case 'persistence-error':
        this.options.log?.('error', `database write failed: ${report.message}`);
        this.engageKillSwitch(`database write failed: ${report.message}`, 'engine');
        break;
      case 'drawdown-halt':
        this.options.log?.('warn', `trading halted: ${report.reason}`);
        this.engageKillSwitch(report.reason, 'engine');
        break;
      case 'persistence-closing':
        this.persistControl({ kind: 'end' });
        break;
      case 'persistence-recovered':
        this.options.log?.(
          'info',
          'database writes recovered; the kill switch stays on until re-armed',
        );
        break;
      case 'log':
        this.options.log?.(report.level, report.msg, report.data);
        break;
      case 'done':
        this.finished.set(report.thread, report.summary);
        this.notifyFinish();
        break;
      case 'fatal':
        this.onWorkerFatal(report.thread, report.error);
        break;
    }
  }

  private notifyFinish(): void {
    const waiters = this.finishWaiters;
    this.finishWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when every thread reported done (replay end) or exited, or one failed. */
  async whenFinished(): Promise<Map<EngineThread, Record<string, unknown> | undefined>> {
    while (this.workers.size > 0 && this.fatal === null) {
      await new Promise<void>((resolve) => this.finishWaiters.push(resolve));
    }
    if (this.fatal !== null) throw new Error(this.fatal);
    return this.finished;
  }

  /** Heap of the thread running the broker (hot or execution), as it last reported. */
  get tradingThreadHeapBytes(): number | null {
    return this.tradingHeapBytes;
  }

  /** True once the trading thread has acted on the last trading-state change (bench timing). */
  tradingStateActed(): boolean {
    return this.shared.stateChangeActedUs() === this.shared.stateChangeUs();
  }

  get fatalError(): string | null {
    return this.fatal;
  }

  // ---- commands ----------------------------------------------------------------------

  /** Runs one validated command; every command is answered. */
  command(command: Command): CommandAck {
    switch (command.type) {
      case 'setKillSwitch':
        return command.on
          ? this.engageKillSwitch(command.reason, 'trader')
          : this.rearm(command.reason);
      case 'updateParams':
        return this.applyPatch({ params: command.patch }, 'trader');
      case 'updateRiskLimits':
        return this.applyPatch({ risk_limits: command.patch }, 'trader');
      case 'flatten': {
        let symbolIndex = -1;
        if (command.symbol !== undefined) {
          symbolIndex = this.wiring.symbols.indexOf(command.symbol);
          if (symbolIndex < 0)
            return {
              ok: false,
              reason: `unknown symbol ${command.symbol}; trading ${this.wiring.symbols.join(', ')}`,
            };
        }
        return this.sendCommandRecord(
          OrderCommandKind.FLATTEN,
          symbolIndex,
          0,
          `flatten ${command.symbol ?? 'all symbols'}`,
        );
      }
      case 'cancelAll':
        return this.sendCommandRecord(OrderCommandKind.CANCEL_ALL, -1, 0, 'cancel all open orders');
      case 'cancelOrder': {
        const refusal = cancelRefusal(
          this.reportedOrders,
          asOrderId(command.orderId),
          ORDER_LIST_ROWS,
        );
        if (refusal !== null) return { ok: false, reason: refusal };
        return this.sendCommandRecord(
          OrderCommandKind.CANCEL,
          -1,
          command.orderId,
          `cancel order ${command.orderId}`,
        );
      }
      case 'subscribe':
        return { ok: true };
      case 'setReduceOnly':
        return this.setReduceOnly(command.on, command.reason);
      case 'resetParams':
        // Through the same validation and audit as any edit, marked as a reset.
        return this.applyPatch(
          { params: { ...DEFAULT_STRATEGY_PARAMS }, risk_limits: { ...DEFAULT_RISK_LIMITS } },
          'reset',
        );
      case 'placeOrder':
        return this.placeOrder(command);
      default:
        // Replay commands: the host's replay session answers them, never an engine.
        return { ok: false, reason: `${command.type} is handled by the host, not the engine` };
    }
  }

  /**
   * REDUCING: the risk check and the broker refuse orders that would grow a position and
   * the broker cancels open ones that would; the strategy keeps computing. The kill
   * switch outranks it: no reduce-only while HALTED, and re-arming returns to ACTIVE.
   */
  private setReduceOnly(on: boolean, reason: string): CommandAck {
    if (this.fatal !== null)
      return { ok: false, reason: 'the engine has failed and cannot trade until it restarts' };
    const state = this.control.tradingState();
    if (state === TradingStateCode.HALTED)
      return {
        ok: false,
        reason: on
          ? 'the kill switch is on: halted outranks reduce only; re-arm first'
          : 'the kill switch is on; re-arming it returns to full trading',
      };
    if (on === (state === TradingStateCode.REDUCING))
      return { ok: true, detail: on ? 'already reduce only' : 'reduce only is already off' };
    this.control.setTradingState(on ? TradingStateCode.REDUCING : TradingStateCode.ACTIVE);
    this.control.doorbell('execution').wake();
    this.control.doorbell('strategy').wake();
    this.setKillSwitchView(on ? 'REDUCING' : 'ACTIVE', reason, 'trader');
    return {
      ok: true,
      detail: on
        ? 'reduce only: orders that would grow a position are refused, open ones cancelled'
        : 'reduce only off: trading active',
    };
  }

  /** A manual order: checked here for form, then by the risk check where the broker runs. */
  private placeOrder(command: PlaceOrderCommand): CommandAck {
    if (this.control.tradingState() === TradingStateCode.HALTED)
      return {
        ok: false,
        reason: 'the kill switch is on: trading is halted, only cancels and flatten go through',
      };
    const encoded = encodeManualOrder(
      command,
      this.wiring.symbols,
      () => this.shared.nextOrderId(),
      asTimestampUs(Date.now() * 1000),
      monoNowUs(),
      this.commandRecord,
    );
    if (!encoded.ok) return encoded;
    const what = `${command.side} ${command.qty} ${command.symbol} ${command.orderType === 'Limit' ? `at ${command.price}` : 'at market'}`;
    if (!this.pushCommandRecord())
      return {
        ok: false,
        reason: `the execution thread is not keeping up; ${what} was not sent, try again`,
      };
    return { ok: true, orderId: encoded.orderId, detail: `${what}: order ${encoded.orderId} sent` };
  }

  /** Halts trading: one atomic store that every thread reads; execution cancels all. */
  engageKillSwitch(reason: string, source: 'trader' | 'engine'): CommandAck {
    this.setTradingState(TradingStateCode.HALTED);
    this.setKillSwitchView('HALTED', reason, source);
    return { ok: true, detail: 'trading halted; open orders are being cancelled' };
  }

  private rearm(reason: string): CommandAck {
    if (this.fatal !== null)
      return { ok: false, reason: 'the engine has failed and cannot trade until it restarts' };
    this.setTradingState(TradingStateCode.ACTIVE);
    this.setKillSwitchView('ACTIVE', reason, 'trader');
    return { ok: true, detail: 'trading re-armed' };
  }

  /**
   * One atomic store of the trading-state word that every trading thread reads before
   * each order, stamped so the thread acting on it can time the hand-over, then the
   * wake-ups: doorbells for parked pipeline threads, a message for the hot thread's loop.
   */
  private setTradingState(code: number): void {
    this.shared.stampStateChange(monoNowUs());
    this.control.setTradingState(code);
    this.wakeTradingThreads();
  }

  private wakeTradingThreads(): void {
    this.control.doorbell('execution').wake();
    this.control.doorbell('strategy').wake();
    this.workers.get('hot')?.postMessage({ kind: 'wake' } satisfies HotThreadMessage);
  }

  private setKillSwitchView(
    state: TradingState,
    reason: string,
    source: 'trader' | 'engine',
  ): void {
    this.killSwitch = { state, reason, source, changedUs: Date.now() * 1000 };
    this.persistControl({
      kind: 'killSwitch',
      tsUs: this.killSwitch.changedUs,
      state,
      reason,
      source,
    });
  }

  private applyPatch(patch: Parameters<typeof applyParamsPatch>[1], source: string): CommandAck {
    const result = applyParamsPatch(this.config, patch);
    if (!result.ok) return { ok: false, reason: result.problems.join('; ') };
    const before = this.config.strategy;
    const after = result.config.strategy;
    const tsUs = Date.now() * 1000;
    const changes: ParamChangeView[] = [];
    for (const [group, oldValues, newValues] of [
      ['params', before.params, after.params],
      ['risk_limits', before.risk_limits, after.risk_limits],
    ] as const) {
      for (const key of Object.keys(newValues) as Array<keyof typeof newValues>) {
        const oldValue = (oldValues as Record<string, number>)[key]!;
        const newValue = (newValues as Record<string, number>)[key]!;
        if (oldValue !== newValue)
          changes.push({ tsUs, key: `${group}.${String(key)}`, oldValue, newValue, source });
      }
    }
    this.config = result.config;
    // One seqlocked write: the strategy swaps the whole set in between two ticks.
    this.control.writeParams(after.params, after.risk_limits);
    for (const change of changes) {
      this.paramHistory.push(change);
      this.persistControl({ kind: 'paramChange', ...change });
    }
    if (this.paramHistory.length > 200) this.paramHistory.splice(0, this.paramHistory.length - 200);
    this.options.onConfigChanged?.(this.config);
    return {
      ok: true,
      detail:
        changes.length === 0
          ? 'no change'
          : `applied ${changes.map((c) => `${c.key}=${c.newValue}`).join(', ')}`,
    };
  }

  private sendCommandRecord(
    kind: OrderCommandCode,
    symbolIndex: number,
    orderId: number,
    what: string,
  ): CommandAck {
    const record = this.commandRecord;
    const command = this.commandView.begin(record, 0, kind);
    command.symbol = asSymbolIndex(symbolIndex);
    command.orderId = asOrderId(
      kind === OrderCommandKind.FLATTEN ? this.shared.nextOrderId() : orderId,
    );
    command.tsUs = asTimestampUs(Date.now() * 1000);
    command.t0Us = monoNowUs();
    if (!this.pushCommandRecord()) {
      return {
        ok: false,
        reason: `the execution thread is not keeping up; ${what} was not sent, try again`,
      };
    }
    return { ok: true, detail: `${what}: sent` };
  }

  private pushCommandRecord(): boolean {
    if (!this.commandRing.tryPush(this.commandRecord, 0)) return false;
    this.control.doorbell('execution').ring();
    this.workers.get('hot')?.postMessage({ kind: 'wake' } satisfies HotThreadMessage);
    return true;
  }

  private persistControl(message: PersistenceControl): void {
    this.workers.get('persistence')?.postMessage(message);
  }

  // ---- state -------------------------------------------------------------------------

  currentConfig(): Config {
    return this.config;
  }

  /** The window's snapshot: what the threads last reported plus the control block. */
  state(): EngineState {
    for (const [name, ring] of this.rings)
      this.control.setRingUtilization(name, ring.utilization());
    const latencies = LATENCY_STAGES.map((stage) => {
      const histogram = this.control.histogram(stage);
      return {
        stage,
        p50Us: histogram.count > 0 ? histogram.quantile(0.5) / 1000 : 0,
        p99Us: histogram.count > 0 ? histogram.quantile(0.99) / 1000 : 0,
        count: histogram.count,
      };
    });
    const tickToTrade = latencies.find((l) => l.stage === 'tick_to_trade')!;
    const counters = this.control.counters();
    const rejections: Record<string, number> = {};
    for (const [name, value] of Object.entries(counters)) {
      if (name.startsWith('rejected_') && value > 0)
        rejections[name.slice('rejected_'.length)] = value;
    }
    const positions = this.positions.map((position) => this.markedToTopOfBook(position));
    const code = this.control.tradingState();
    const killSwitch = {
      ...this.killSwitch,
      state: TRADING_STATES[code] ?? 'HALTED',
      // The report that says so carries the orders and positions from after the change.
      settled: this.applied.state === code && this.applied.stampUs >= this.shared.stateChangeUs(),
    };
    // A paced replay is shown on the recording's clock (the chart's and heatmap's time axis).
    const replayTs = this.options.replayClock?.tsUs;
    return {
      seq: ++this.stateSeq,
      tsUs: replayTs !== undefined && Number.isFinite(replayTs) ? replayTs : Date.now() * 1000,
      engineRunning: this.fatal === null,
      books: this.books.map((book) => this.withTopOfBook(book)),
      trades: this.trades,
      signals: this.signals,
      signalCounts: this.signalCounts,
      orders: this.orders,
      fills: this.fills,
      positions,
      totals: {
        realizedPnl: this.totals.realizedPnl,
        unrealizedPnl: positions.reduce((sum, p) => sum + p.unrealizedPnl, 0),
      },
      killSwitch,
      health: {
        feed: this.feeds.length === 0 ? 'connecting' : worstFeed(this.feeds),
        messagesPerSecond: this.messagesPerSecond,
        tickToTrade:
          tickToTrade.count > 0
            ? { p50Us: tickToTrade.p50Us, p99Us: tickToTrade.p99Us, count: tickToTrade.count }
            : { p50Us: null, p99Us: null, count: 0 },
        latencies,
        ringUtilization: this.control.ringUtilizations(),
        uptimeSeconds: Math.round((Date.now() - this.startedMs) / 1000),
        restarts: this.options.restarts ?? 0,
        rejections,
        ordersSubmitted: counters.orders_submitted,
      },
      params: { ...this.config.strategy.params },
      riskLimits: { ...this.config.strategy.risk_limits },
      paramHistory: this.paramHistory.slice(-50),
      symbols: this.wiring.symbols,
      ...(this.options.replayClock ? { replay: this.replayView(this.options.replayClock) } : {}),
    };
  }

  /** Where a paced replay is; the host adds what it knows (run, name, the file's end). */
  private replayView(clock: ReplayClock): NonNullable<EngineState['replay']> {
    const finite = (x: number): number => (Number.isFinite(x) ? x : 0);
    return {
      runId: 0,
      file: this.options.replayFile ?? '',
      speed: clock.speed,
      paused: clock.paused,
      firstTsUs: finite(clock.firstTsUs),
      tsUs: finite(clock.tsUs),
      lastTsUs: 0,
      bookUpdates: clock.bookUpdates,
      finished: clock.finished && this.workers.size === 0,
    };
  }

  /** The latest top of book of a symbol from the seqlock, or null before its first book. */
  private topOfBook(symbol: string): SnapshotView | null {
    const index = this.wiring.symbols.indexOf(symbol);
    if (index < 0 || !this.snapshots.read(index, this.snapshot)) return null;
    return this.snapshot;
  }

  /** A book view with the mid and spread of the trading thread's latest book update. */
  private withTopOfBook(book: BookView): BookView {
    const top = this.topOfBook(book.symbol);
    if (top === null || top.mid <= 0) return book;
    return { ...book, mid: top.mid / FIXED_SCALE, spreadBps: top.spreadBpsE2 / 100 };
  }

  /** A position marked to the latest mid: (mark − average cost) × quantity, for display. */
  private markedToTopOfBook(position: PositionView): PositionView {
    const top = this.topOfBook(position.symbol);
    if (top === null || top.mid <= 0) return position;
    const mark = top.mid / FIXED_SCALE;
    const qty = Number(position.qty);
    return {
      ...position,
      mark,
      unrealizedPnl: qty === 0 ? 0 : (mark - Number(position.avgCost)) * qty,
    };
  }

  /** Stops every thread; persistence drains what the others left and closes the file. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.control.requestStop();
    for (const thread of ['hot', 'market', 'strategy', 'execution', 'persistence'] as const) {
      this.control.doorbell(thread).requestStop();
    }
    const deadline = Date.now() + timeoutMs;
    while (this.workers.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const worker of this.workers.values()) await worker.terminate();
  }
}

const FEED_RANK: Record<FeedState, number> = {
  live: 0,
  syncing: 1,
  connecting: 2,
  stale: 3,
  down: 4,
};

/** The health bar shows the worst feed among the symbols. */
function worstFeed(feeds: readonly FeedState[]): FeedState {
  return feeds.reduce(
    (worst, feed) => (FEED_RANK[feed] > FEED_RANK[worst] ? feed : worst),
    'live' as FeedState,
  );
}
