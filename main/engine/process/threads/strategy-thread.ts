import {
  MarketHeader,
  MarketKind,
  OrderCommand,
  OrderRecord,
  PersistRecord,
} from '../../../../shared/records.js';
import { DEFAULT_RISK_LIMITS, DEFAULT_STRATEGY_PARAMS } from '../../../../shared/config.js';
import type { SignalView } from '../../../../shared/api.js';
import { REJECT_REASONS, asQty, asSymbolIndex } from '../../../../shared/domain.js';
import { rejectionCounter } from '../../core/control-tables.js';
import { monoNowUs } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { createWaiter } from '../../core/wait-strategy.js';
import { StrategyCore, StrategyOutput } from '../../strategy/strategy-core.js';
import { decodeSignalRecord } from '../../strategy/signal-record.js';
import { signalReason } from '../../strategy/signal-reason.js';
import { loadMlSignal } from '../../strategy/signals/ml-signal.js';
import {
  attachEngine,
  awaitDoneSeq,
  barrierSpinUs,
  CounterMirror,
  pushWaiting,
  runWorker,
  Throttle,
} from '../thread-kit.js';
import type { LogFn } from '../../../../shared/log.js';

/**
 * The strategy thread: market records in, order records and signal rows out. It wraps
 * StrategyCore in the ring loop and, in replay, waits at the barrier so every decision
 * sees the same positions whatever the thread timing (DESIGN.md §1, issue 5).
 */
runWorker('strategy', async () => {
  const engine = attachEngine();
  const { wiring, control, shared } = engine;
  const replay = wiring.mode === 'replay';
  const input = engine.ring('market_to_strategy');
  const orders = engine.ring('strategy_to_execution');
  const signals = engine.ring('strategy_to_persistence');
  const execution = control.doorbell('execution');
  const persistence = control.doorbell('persistence');
  const symbols = wiring.symbols;

  // A seed of its own, derived from the configured one, so ids differ from broker draws.
  const rng = new Rng(wiring.config.execution.seed ^ 0x5eed);
  const log: LogFn = (level, msg) => engine.report({ kind: 'log', level, msg });
  // Replays run inference in lockstep (awaited per tick) so the model's answers land on
  // the same ticks every run; live, inference runs beside the loop and never stalls it.
  const ml = await loadMlSignal(wiring.config, log, replay ? 'lockstep' : 'async');
  const featuresStage = control.histogram('features');
  const signalStage = control.histogram('signal');
  const riskStage = control.histogram('risk');
  const orderStage = control.histogram('order_create');
  const core = new StrategyCore(wiring.config, {
    symbols,
    nextOrderId: () => shared.nextOrderId(),
    rng,
    ml,
    log,
    timings: {
      features: (ns) => featuresStage.record(ns),
      signal: (ns) => signalStage.record(ns),
      risk: (ns) => riskStage.record(ns),
      orderCreate: (ns) => orderStage.record(ns),
    },
  });
  const mirror = new CounterMirror<Parameters<typeof control.add>[0]>((name, n) =>
    control.add(name, n),
  );
  const syncCounters = (): void => {
    mirror.sync('signals_fired', core.counters.fired);
    mirror.sync('signals_suppressed', core.counters.suppressed);
    mirror.sync('signals_none', core.counters.none);
    REJECT_REASONS.forEach((reason, i) =>
      mirror.sync(rejectionCounter(reason), core.counters.rejections[i]!),
    );
  };

  const params = { ...DEFAULT_STRATEGY_PARAMS };
  const limits = { ...DEFAULT_RISK_LIMITS };
  let generation = -1;
  let tradingState = -1;
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const orderView = new OrderCommand();
  const header = new MarketHeader();
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  const records = input.records;
  const barrierSpin = barrierSpinUs(wiring.config.engine.wait_strategy);

  const recentSignals: SignalView[] = [];
  const confidenceBins = new Array<number>(10).fill(0);
  const throttle = new Throttle(1000 / wiring.config.engine.ui_hz);
  const waiter = createWaiter(
    wiring.config.engine.wait_strategy,
    control.doorbell('strategy'),
    () => input.hasData(),
  );

  const publish = (): void => {
    syncCounters();
    engine.report({
      kind: 'strategy',
      signals: recentSignals.slice(-50),
      counts: {
        fired: core.counters.fired,
        suppressed: core.counters.suppressed,
        none: core.counters.none,
        confidenceBins: confidenceBins.slice(),
      },
    });
  };

  let ended = false;
  ticks: while (!control.stopRequested() && !ended) {
    const off = input.peek();
    if (off < 0) {
      // Live ML inference completes on this thread's event loop: let it turn.
      if (ml !== null && core.idle() !== null)
        await new Promise((resolve) => setImmediate(resolve));
      waiter.idle();
      if (throttle.due(Date.now())) publish();
      continue;
    }
    // Live params are swapped between two ticks, never inside one.
    const nextGeneration = control.readParams(params, limits, generation);
    if (nextGeneration !== generation) {
      generation = nextGeneration;
      core.setParams(params, limits);
    }
    const state = control.tradingState();
    if (state !== tradingState) {
      tradingState = state;
      core.setTradingState(state);
    }

    const tick = header.at(records, off);
    const kind = tick.kind;
    const seq = tick.seq;
    const mdUs = tick.mdUs;
    if (kind === MarketKind.END) {
      input.release();
      ended = true;
      break;
    }
    if (replay) {
      // Positions must reflect every order answering ticks before this one.
      if (!awaitDoneSeq(control, 'execution', seq - 1, barrierSpin)) break ticks;
    }
    for (let s = 0; s < symbols.length; s++) {
      const symbol = asSymbolIndex(s);
      core.setPosition(symbol, asQty(shared.position(s)));
      core.setOpenOrders(symbol, asQty(shared.openBuys(s)), asQty(shared.openSells(s)));
    }

    // Replay floods the ring ahead of us, so tick-to-trade starts at our dequeue plus
    // the market thread's own time; live, the ring is near empty and T0 is exact.
    const dequeuedUs = monoNowUs();
    const flags = core.onMarket(records, off, orderOut, signalOut);
    input.release();
    if (ml !== null) {
      if (replay) {
        const inference = core.idle();
        if (inference) await inference;
      } else if ((seq & 15) === 0 && core.idle() !== null) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if ((flags & StrategyOutput.ORDER) !== 0) {
      if (replay) orderView.read(orderOut, 0).t0Us = dequeuedUs - mdUs;
      control.add('orders_submitted');
      pushWaiting(orders, orderOut, execution, control);
    }
    if ((flags & StrategyOutput.SIGNAL) !== 0) {
      pushWaiting(signals, signalOut, persistence, control);
      // Signals are rare next to ticks; this object is for the window only.
      const {
        orderId: _o,
        rejectReason,
        features: _f,
        ...view
      } = decodeSignalRecord(signalOut, 0, symbols);
      const reason = signalReason({ ...view, rejectReason }, params.min_confidence);
      confidenceBins[Math.min(9, Math.max(0, Math.floor(view.confidence * 10)))]!++;
      recentSignals.push(reason === undefined ? view : { ...view, reason });
      if (recentSignals.length > 200) recentSignals.splice(0, 100);
    }
    if (replay) control.setDoneSeq('strategy', seq);
    waiter.worked();
    if (throttle.due(Date.now())) publish();
  }
  publish();
  // Tell execution that no more orders will come for any tick.
  control.setDoneSeq('strategy', 0x7fffffff);
  syncCounters();
  engine.report({
    kind: 'done',
    thread: 'strategy',
    summary: { ...core.counters, rejections: Array.from(core.counters.rejections) },
  });
});
