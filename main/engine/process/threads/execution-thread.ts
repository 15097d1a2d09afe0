import {
  MarketHeader,
  MarketKind,
  OrderCommand,
  OrderCommandKind,
  PersistKind,
  PersistRecord,
  persistKindOf,
  writeFlushRow,
} from '../../../../shared/records.js';
import { asSymbolIndex } from '../../../../shared/domain.js';
import { monoNowUs } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { createWaiter } from '../../core/wait-strategy.js';
import { DrawdownHalt } from '../../execution/drawdown-halt.js';
import { PaperBroker } from '../../execution/paper-broker.js';
import { ORDER_LIST_ROWS } from '../cancel-check.js';
import {
  dispatchCommand,
  engineStrategyIds,
  ManualOrderGate,
} from '../../execution/manual-orders.js';
import { DEFAULT_RISK_LIMITS, DEFAULT_STRATEGY_PARAMS } from '../../../../shared/config.js';
import { MANUAL_STRATEGY_ID } from '../../../../shared/domain.js';
import { HeapSampler } from '../heap-sampler.js';
import {
  attachEngine,
  awaitDoneSeq,
  barrierSpinUs,
  pushWaiting,
  runWorker,
  Throttle,
} from '../thread-kit.js';

/**
 * The execution thread: the paper broker between the strategy's orders, the trader's
 * commands and the market. Live, orders are handled the moment they arrive. In replay it
 * keeps one reproducible order — market record s, then every order answering tick s —
 * by waiting for the strategy's barrier, so fills never depend on thread timing.
 */
runWorker('execution', () => {
  const engine = attachEngine();
  const { wiring, control, shared } = engine;
  const replay = wiring.mode === 'replay';
  const market = engine.ring('market_to_execution');
  const orders = engine.ring('strategy_to_execution');
  const commands = engine.ring('host_to_execution');
  const persist = engine.ring('execution_to_persistence');
  const persistence = control.doorbell('persistence');
  const symbols = wiring.symbols;
  const tickToTrade = control.histogram('tick_to_trade');
  const fillStage = control.histogram('fill');
  const killSwitchStage = control.histogram('kill_switch');
  const fillsCounter = 'fills' as const;
  const barrierSpin = barrierSpinUs(wiring.config.engine.wait_strategy);

  const broker = new PaperBroker(wiring.config, {
    symbols,
    strategyIds: engineStrategyIds(wiring.config.strategy.strategy_id),
    rng: new Rng(wiring.config.execution.seed),
    sink: (record) => {
      if (persistKindOf(record, 0) === PersistKind.FILL) control.add(fillsCounter);
      pushWaiting(persist, record, persistence, control);
    },
    log: (level, msg, data) =>
      engine.report({ kind: 'log', level, msg, ...(data ? { data } : {}) }),
  });
  if (wiring.restored)
    broker.restore(wiring.restored.positions, wiring.restored.openOrders, wiring.restored.ids);

  const drawdown = new DrawdownHalt(broker, control, (reason) =>
    engine.report({ kind: 'drawdown-halt', reason }),
  );

  const publishPositions = (): void => {
    for (let s = 0; s < symbols.length; s++) {
      const symbol = asSymbolIndex(s);
      shared.setPosition(s, broker.position(symbol));
      shared.setOpenOrders(s, broker.openQuantity(symbol, 1), broker.openQuantity(symbol, -1));
    }
  };
  publishPositions();

  const command = new OrderCommand();
  const header = new MarketHeader();
  const handleOrder = (records: Float64Array, off: number): void => {
    const started = monoNowUs();
    broker.onOrder(records, off);
    const done = monoNowUs();
    const order = command.read(records, off);
    if (order.kind === OrderCommandKind.NEW) {
      fillStage.record((done - started) * 1000);
      tickToTrade.record((done - order.t0Us) * 1000);
    }
  };
  const drainOrders = (): number => {
    let n = 0;
    for (let off = orders.peek(); off >= 0; off = orders.peek()) {
      handleOrder(orders.records, off);
      orders.release();
      n++;
    }
    return n;
  };
  // The trader's own orders pass the strategy's risk check here, beside the broker.
  const gate = new ManualOrderGate(symbols.length, wiring.config.strategy.risk_limits);
  const params = { ...DEFAULT_STRATEGY_PARAMS };
  const limits = { ...DEFAULT_RISK_LIMITS };
  let generation = -1;
  const drainCommands = (): number => {
    let n = 0;
    for (let off = commands.peek(); off >= 0; off = commands.peek()) {
      // The risk limits as the trader last set them (the strategy reads the same block).
      const nextGeneration = control.readParams(params, limits, generation);
      if (nextGeneration !== generation) {
        generation = nextGeneration;
        gate.setLimits(limits);
      }
      dispatchCommand(broker, gate, commands.records, off);
      commands.release();
      n++;
    }
    return n;
  };

  let tradingState = -1;
  /** The state-change stamp read just after the last apply: the window's `settled`. */
  let appliedStampUs = 0;
  const heap = new HeapSampler();
  const throttle = new Throttle(1000 / wiring.config.engine.ui_hz);
  const publish = (): void => {
    // The trader's own book shows once it holds or held something.
    const positions = broker
      .positionViews()
      .filter((p) => p.strategyId !== MANUAL_STRATEGY_ID || p.qty !== '0' || p.realizedPnl !== 0);
    engine.report({
      kind: 'execution',
      orders: broker.orderViews(ORDER_LIST_ROWS),
      fills: broker.recentFills(100),
      positions,
      totals: {
        realizedPnl: positions.reduce((sum, p) => sum + p.realizedPnl, 0),
        unrealizedPnl: positions.reduce((sum, p) => sum + p.unrealizedPnl, 0),
      },
      appliedState: tradingState,
      appliedStampUs,
      heapUsedBytes: heap.usedBytes(),
    });
  };
  const waiter = createWaiter(
    wiring.config.engine.wait_strategy,
    control.doorbell('execution'),
    () => market.hasData() || orders.hasData() || commands.hasData(),
  );

  let ended = false;
  events: while (!control.stopRequested() && !ended) {
    const state = control.tradingState();
    if (state !== tradingState) {
      const first = tradingState < 0;
      tradingState = state;
      broker.setTradingState(state); // HALTED cancels every open order at once
      gate.setTradingState(state);
      publishPositions();
      const stampUs = shared.stateChangeUs();
      appliedStampUs = stampUs;
      if (!first && stampUs > 0) {
        killSwitchStage.record((monoNowUs() - stampUs) * 1000);
        shared.stateChangeActed(stampUs);
      }
      publish(); // the window shows the cancelled orders now, not at the next tick of ui_hz
    }
    let work = drainCommands();
    if (!replay) {
      // Orders first: they are what tick-to-trade measures.
      work += drainOrders();
      for (let i = 0; i < 64; i++) {
        const off = market.peek();
        if (off < 0) break;
        if (header.at(market.records, off).kind === MarketKind.END) ended = true;
        else {
          broker.onMarket(market.records, off);
          gate.onMarket(market.records, off);
        }
        market.release();
        work++;
      }
    } else {
      const off = market.peek();
      if (off >= 0) {
        const records = market.records;
        const tick = header.at(records, off);
        const seq = tick.seq;
        if (tick.kind === MarketKind.END) {
          ended = true;
          market.release();
        } else {
          broker.onMarket(records, off);
          market.release();
          // Every order answering tick `seq` is in the ring once the strategy passed it.
          if (!awaitDoneSeq(control, 'strategy', seq, barrierSpin)) break events;
          drainOrders();
          publishPositions();
          control.setDoneSeq('execution', seq);
        }
        work++;
      }
    }
    if (work > 0) {
      drawdown.check();
      publishPositions();
      waiter.worked();
    } else {
      waiter.idle();
    }
    if (throttle.due(Date.now())) publish();
  }
  drainOrders();
  drainCommands();
  publishPositions();
  publish();
  const end = new Float64Array(PersistRecord.SLOTS);
  writeFlushRow(end, 0);
  pushWaiting(persist, end, persistence, control);
  engine.report({ kind: 'done', thread: 'execution', summary: broker.summary() });
});
