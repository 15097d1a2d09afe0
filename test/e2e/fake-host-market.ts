import type {
  BookView,
  Command,
  CommandAck,
  EngineState,
  FillView,
  LevelView,
  OrderView,
  ParamChangeView,
  PositionView,
  SignalView,
  TradeView,
} from '../../shared/api.js';
import {
  applyParamsPatch,
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  validateConfig,
  type Config,
  type RiskLimits,
  type StrategyParams,
} from '../../shared/config.js';
import type { FeedState, TradingState } from '../../shared/domain.js';
import { Rng } from '../../main/engine/core/rng.js';

/**
 * A synthetic engine for the window's browser tests: books that move every tick, trades,
 * signals, orders that rest and fill, positions with PnL, and the command semantics the
 * window relies on (kill switch, live edits checked by the engine's own applyParamsPatch,
 * cancel, flatten). Deterministic from its seed; no real engine involved.
 */
const LEVELS = 25;
const TICK = 0.01;

interface SymbolSim {
  readonly symbol: string;
  mid: number;
  position: number;
  avgCost: number;
  realized: number;
  lastUpdateId: number;
}

const fix = (value: number, decimals: number): string => value.toFixed(decimals);

export class FakeMarket {
  private readonly rng: Rng;
  private readonly sims: SymbolSim[];
  private seq = 0;
  private nowUs: number;
  private readonly startUs: number;
  private nextOrderId = 1;
  private nextTradeId = 1;
  private orders: OrderView[] = [];
  private fills: FillView[] = [];
  private signals: SignalView[] = [];
  private trades: TradeView[] = [];
  private signalCounts = { fired: 0, suppressed: 0, none: 0 };
  private paramHistory: ParamChangeView[] = [];
  private config: Config;
  private tradingState: TradingState = 'ACTIVE';
  private killReason = 'armed at start';
  private killSource: 'trader' | 'engine' = 'trader';
  private killChangedUs: number;
  private ordersSubmitted = 0;
  /** Orders the engine's tick-to-trade histogram measured (0: none yet). */
  measuredOrders = 100;
  feed: FeedState = 'live';
  /** While false the strategy places no orders and nothing fills: positions stay put for a test. */
  autoTrade = true;
  /** While false the states say the trading thread has not acted yet (killSwitch.settled). */
  settled = true;
  restarts = 0;
  engineRunning = true;
  books: BookView[] = [];

  constructor(
    symbols: readonly string[] = ['BTCUSDT', 'ETHUSDT'],
    seed = 7,
    startUs = Date.now() * 1000,
  ) {
    this.rng = new Rng(seed);
    this.sims = symbols.map((symbol, i) => ({
      symbol,
      mid: i === 0 ? 119_000 : 3_000 + i,
      position: 0,
      avgCost: 0,
      realized: 0,
      lastUpdateId: 1000,
    }));
    this.startUs = this.nowUs = this.killChangedUs = startUs;
    this.config = validateConfig({
      market: {},
      strategy: { symbols: [...symbols] },
      execution: {},
      engine: {},
      persistence: {},
      metrics: {},
    });
    this.rebuildBooks();
  }

  get params(): StrategyParams {
    return this.config.strategy.params;
  }
  get riskLimits(): RiskLimits {
    return this.config.strategy.risk_limits;
  }
  get trading(): TradingState {
    return this.tradingState;
  }

  /** Advances the market by `dtUs`: a new book every call, now and then a trade, signal, order or fill. */
  tick(dtUs: number): void {
    this.nowUs += dtUs;
    for (const sim of this.sims) {
      sim.mid = Math.max(
        TICK * 10,
        sim.mid + (this.rng.next() - 0.5) * 4 * TICK * (sim.mid / 1000),
      );
      sim.mid = Math.round(sim.mid / TICK) * TICK + TICK / 2;
      sim.lastUpdateId += 1 + this.rng.int(3);
      if (this.rng.next() < 0.2) {
        this.trades.push({
          symbol: sim.symbol,
          tsUs: this.nowUs,
          price: fix(sim.mid + (this.rng.next() < 0.5 ? -TICK / 2 : TICK / 2), 2),
          qty: fix(0.001 + this.rng.next() * 0.2, 5),
          isBuyerMaker: this.rng.next() < 0.5,
        });
        if (this.trades.length > 50) this.trades.shift();
      }
    }
    this.rebuildBooks();
    if (this.rng.next() < 0.04) this.emitSignal();
    else this.signalCounts.none++;
    this.fillCrossedOrders();
  }

  private rebuildBooks(): void {
    this.books = this.sims.map((sim) => {
      const bestBid = sim.mid - TICK / 2;
      const bestAsk = sim.mid + TICK / 2;
      const bids: LevelView[] = [];
      const asks: LevelView[] = [];
      for (let i = 0; i < LEVELS; i++) {
        bids.push([fix(bestBid - i * TICK, 2), fix(0.001 + this.rng.next() * 2, 5)]);
        asks.push([fix(bestAsk + i * TICK, 2), fix(0.001 + this.rng.next() * 2, 5)]);
      }
      return {
        symbol: sim.symbol,
        synced: true,
        lastUpdateId: sim.lastUpdateId,
        bids,
        asks,
        mid: sim.mid,
        spreadBps: (TICK / sim.mid) * 1e4,
      };
    });
  }

  private emitSignal(): void {
    const sim = this.sims[this.rng.int(this.sims.length)];
    const imbalance = (this.rng.next() * 2 - 1) * 0.9;
    const side = imbalance >= 0 ? 'Buy' : 'Sell';
    const confidence = this.rng.next();
    const suppressed = confidence < this.params.min_confidence;
    this.signals.push({
      tsUs: this.nowUs,
      symbol: sim.symbol,
      side,
      strength: Math.sign(imbalance) * Math.min(1, Math.abs(imbalance)),
      confidence,
      holdingPeriodMs: Math.min(10_000, Math.max(100, 1000 / Math.max(0.01, Math.abs(imbalance)))),
      suppressed,
    });
    if (this.signals.length > 200) this.signals.shift();
    if (suppressed) {
      this.signalCounts.suppressed++;
      return;
    }
    this.signalCounts.fired++;
    if (this.tradingState === 'HALTED' || !this.autoTrade) return;
    const size = Math.min(this.riskLimits.max_order_size, 0.01 + this.rng.int(5) * 0.01);
    const price = side === 'Buy' ? sim.mid - TICK / 2 : sim.mid + TICK / 2;
    this.ordersSubmitted++;
    this.orders.push({
      orderId: this.nextOrderId++,
      clientOrderId: `strategy_${this.rng.uuid()}`,
      symbol: sim.symbol,
      side,
      type: 'Limit',
      status: 'Open',
      price: fix(price, 2),
      qty: fix(size, 5),
      filledQty: '0',
      avgFillPrice: '0',
      createdUs: this.nowUs,
      updatedUs: this.nowUs,
    });
    if (this.orders.length > 150)
      this.orders = this.orders.filter((o, i) => isOpen(o) || i >= this.orders.length - 100);
  }

  /** A resting order fills when the mid has moved through its price. */
  private fillCrossedOrders(): void {
    if (!this.autoTrade) return;
    for (let i = 0; i < this.orders.length; i++) {
      const order = this.orders[i];
      if (!isOpen(order)) continue;
      const sim = this.simOf(order.symbol);
      const price = Number(order.price);
      const crossed = order.side === 'Buy' ? sim.mid < price - TICK : sim.mid > price + TICK;
      if (crossed) this.fill(i, price);
    }
  }

  private fill(index: number, price: number): void {
    const order = this.orders[index];
    const qty = Number(order.qty);
    this.orders[index] = {
      ...order,
      status: 'Filled',
      filledQty: order.qty,
      avgFillPrice: fix(price, 2),
      updatedUs: this.nowUs,
    };
    this.fills.push({
      tradeId: this.nextTradeId++,
      orderId: order.orderId,
      symbol: order.symbol,
      side: order.side,
      price: fix(price, 2),
      qty: order.qty,
      tsUs: this.nowUs,
    });
    if (this.fills.length > 100) this.fills.shift();
    this.applyToPosition(this.simOf(order.symbol), order.side === 'Buy' ? qty : -qty, price);
  }

  private applyToPosition(sim: SymbolSim, signedQty: number, price: number): void {
    const before = sim.position;
    const after = before + signedQty;
    if (before === 0 || Math.sign(before) === Math.sign(signedQty)) {
      sim.avgCost =
        (sim.avgCost * Math.abs(before) + price * Math.abs(signedQty)) / Math.abs(after);
    } else {
      const closed = Math.min(Math.abs(before), Math.abs(signedQty));
      sim.realized += closed * (price - sim.avgCost) * Math.sign(before);
      if (Math.sign(after) !== Math.sign(before) && after !== 0) sim.avgCost = price;
    }
    sim.position = Math.round(after * 1e5) / 1e5;
    if (sim.position === 0) sim.avgCost = 0;
  }

  private simOf(symbol: string): SymbolSim {
    const sim = this.sims.find((s) => s.symbol === symbol);
    if (!sim) throw new Error(`fake market has no symbol ${symbol}`);
    return sim;
  }

  /** Puts a resting order in the book at the best bid, for tests of the own-order marker and cancel. */
  addRestingOrder(symbol: string): OrderView {
    const sim = this.simOf(symbol);
    const order: OrderView = {
      orderId: this.nextOrderId++,
      clientOrderId: `strategy_${this.rng.uuid()}`,
      symbol,
      side: 'Buy',
      type: 'Limit',
      status: 'Open',
      price: fix(sim.mid - TICK / 2, 2),
      qty: '0.04200',
      filledQty: '0',
      avgFillPrice: '0',
      createdUs: this.nowUs,
      updatedUs: this.nowUs,
    };
    this.orders.push(order);
    return order;
  }

  /** Gives the symbol a position (as if an order had filled at the mid), for PnL and flatten tests. */
  addPosition(symbol: string, signedQty: number): void {
    const sim = this.simOf(symbol);
    this.applyToPosition(sim, signedQty, sim.mid);
  }

  /** Sets the sequence the next snapshot continues from (a restarted host or engine starts low). */
  setSequence(next: number): void {
    this.seq = next - 1;
  }

  /** The engine halting on its own (restart, write error, stale feed). */
  engineHalt(reason: string): void {
    this.setTrading('HALTED', reason, 'engine');
  }

  private setTrading(state: TradingState, reason: string, source: 'trader' | 'engine'): void {
    this.tradingState = state;
    this.killReason = reason;
    this.killSource = source;
    this.killChangedUs = this.nowUs;
    if (state === 'HALTED') for (let i = 0; i < this.orders.length; i++) this.cancelAt(i);
  }

  private cancelAt(index: number): boolean {
    const order = this.orders[index];
    if (!isOpen(order)) return false;
    this.orders[index] = {
      ...order,
      status: 'Cancelled',
      updatedUs: this.nowUs,
      reason: 'cancelled',
    };
    return true;
  }

  private applyPatch(group: 'params' | 'risk_limits', patch: Record<string, number>): CommandAck {
    const before = group === 'params' ? { ...this.params } : { ...this.riskLimits };
    const result = applyParamsPatch(
      this.config,
      group === 'params' ? { params: patch } : { risk_limits: patch },
    );
    if (!result.ok) return { ok: false, reason: result.problems.join('; ') };
    this.config = result.config;
    for (const [key, value] of Object.entries(patch)) {
      this.paramHistory.push({
        tsUs: this.nowUs,
        key: `strategy.${group}.${key}`,
        oldValue: (before as Record<string, number>)[key],
        newValue: value,
        source: 'trader',
      });
    }
    return { ok: true, detail: `applied ${Object.keys(patch).join(', ')}` };
  }

  /** What the engine would do with a command from the window. */
  apply(command: Command): CommandAck {
    switch (command.type) {
      case 'setKillSwitch':
        this.setTrading(command.on ? 'HALTED' : 'ACTIVE', command.reason, 'trader');
        return { ok: true };
      case 'updateParams':
        return this.applyPatch('params', command.patch);
      case 'updateRiskLimits':
        return this.applyPatch('risk_limits', command.patch);
      case 'cancelOrder': {
        const index = this.orders.findIndex((o) => o.orderId === command.orderId);
        if (index < 0 || !this.cancelAt(index))
          return { ok: false, reason: `order ${command.orderId} is not open` };
        return { ok: true };
      }
      case 'cancelAll': {
        let cancelled = 0;
        for (let i = 0; i < this.orders.length; i++) if (this.cancelAt(i)) cancelled++;
        return { ok: true, detail: `${cancelled} cancelled` };
      }
      case 'flatten': {
        for (const sim of this.sims) {
          if (command.symbol !== undefined && sim.symbol !== command.symbol) continue;
          if (sim.position !== 0) this.applyToPosition(sim, -sim.position, sim.mid);
        }
        return { ok: true };
      }
      case 'subscribe':
        return { ok: true };
      case 'setReduceOnly':
        this.setTrading(command.on ? 'REDUCING' : 'ACTIVE', command.reason, 'trader');
        return { ok: true };
      case 'resetParams': {
        const params = this.applyPatch('params', { ...DEFAULT_STRATEGY_PARAMS });
        return params.ok ? this.applyPatch('risk_limits', { ...DEFAULT_RISK_LIMITS }) : params;
      }
      case 'placeOrder':
        return { ok: false, reason: 'the fake market takes no manual orders' };
      default:
        return { ok: false, reason: `the fake host does not replay (${command.type})` };
    }
  }

  private positions(): PositionView[] {
    return this.sims.map((sim) => ({
      symbol: sim.symbol,
      qty: fix(sim.position, 5),
      avgCost: fix(sim.avgCost, 2),
      realizedPnl: sim.realized,
      unrealizedPnl: sim.position * (sim.mid - sim.avgCost),
      mark: sim.mid,
    }));
  }

  snapshot(): EngineState {
    const positions = this.positions();
    return {
      seq: ++this.seq,
      tsUs: this.nowUs,
      engineRunning: this.engineRunning,
      books: this.books,
      trades: this.trades.slice(-20),
      signals: this.signals.slice(-100),
      signalCounts: { ...this.signalCounts },
      orders: this.orders.slice(),
      fills: this.fills.slice(-50),
      positions,
      totals: {
        realizedPnl: positions.reduce((sum, p) => sum + p.realizedPnl, 0),
        unrealizedPnl: positions.reduce((sum, p) => sum + p.unrealizedPnl, 0),
      },
      killSwitch: {
        state: this.tradingState,
        reason: this.killReason,
        source: this.killSource,
        changedUs: this.killChangedUs,
        settled: this.settled,
      },
      health: {
        feed: this.feed,
        messagesPerSecond: 100 + this.rng.int(20),
        tickToTrade:
          this.measuredOrders > 0
            ? {
                p50Us: 7 + this.rng.next(),
                p99Us: 15 + this.rng.next() * 3,
                count: this.measuredOrders,
              }
            : { p50Us: null, p99Us: null, count: 0 },
        latencies: [],
        ringUtilization: {
          market: this.rng.next() * 0.05,
          orders: this.rng.next() * 0.01,
          persist: this.rng.next() * 0.02,
        },
        uptimeSeconds: (this.nowUs - this.startUs) / 1e6,
        restarts: this.restarts,
        rejections: { kill_switch: this.tradingState === 'HALTED' ? 1 : 0 },
        ordersSubmitted: this.ordersSubmitted,
      },
      params: { ...this.params },
      riskLimits: { ...this.riskLimits },
      paramHistory: this.paramHistory.slice(-50),
      symbols: this.sims.map((s) => s.symbol),
    };
  }
}

const isOpen = (order: OrderView): boolean =>
  order.status === 'Open' || order.status === 'PartiallyFilled' || order.status === 'Pending';
