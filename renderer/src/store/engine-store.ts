import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  EngineState,
  FillView,
  KillSwitchView,
  OrderView,
  ParamChangeView,
  PositionView,
  SignalCounts,
  SignalView,
} from '../../../shared/api.js';
import type { RiskLimits, StrategyParams } from '../../../shared/config.js';
import { animationFrameScheduler, type FrameScheduler } from './frame-scheduler.js';
import {
  sameFills,
  sameKillSwitch,
  sameNumberRecord,
  sameOrders,
  sameParamHistory,
  samePositions,
  sameSignalCounts,
  sameSignals,
  sameStrings,
} from './slice-equality.js';

/**
 * What the window renders: the latest EngineState plus its slices. Slices keep their
 * previous identity when their content did not change, so a table subscribed with a
 * selector re-renders only when it has something new to show.
 */
export interface EngineStoreState {
  /** Latest state; a new object every published frame (book, chart, health read it). */
  readonly state: EngineState | null;
  readonly orders: readonly OrderView[];
  readonly positions: readonly PositionView[];
  readonly signals: readonly SignalView[];
  readonly signalCounts: SignalCounts;
  readonly fills: readonly FillView[];
  readonly paramHistory: readonly ParamChangeView[];
  readonly symbols: readonly string[];
  readonly killSwitch: KillSwitchView | null;
  readonly params: StrategyParams | null;
  readonly riskLimits: RiskLimits | null;
  readonly totals: EngineState['totals'];
  /** How many frames were published: one per frame at most, however many messages came. */
  readonly frames: number;
}

export interface EngineStore {
  readonly store: StoreApi<EngineStoreState>;
  /**
   * Offers a state from the transport. Returns false when it is older than what the
   * window already has (and is dropped); otherwise it becomes the pending state that the
   * next frame publishes, replacing any pending one.
   */
  receive(state: EngineState): boolean;
  /** Publishes the pending state now (the frame callback; tests call it directly). */
  flush(): void;
  /**
   * Forgets the sequence watermark. Called when the transport reconnects: a restarted
   * host starts its sequence again, and its first state must not be mistaken for old.
   */
  resetSequence(): void;
  /** States dropped as older than the latest, for the health display and tests. */
  readonly ignored: number;
}

const NO_COUNTS: SignalCounts = { fired: 0, suppressed: 0, none: 0 };
const NO_TOTALS: EngineState['totals'] = { realizedPnl: 0, unrealizedPnl: 0 };

const initialEngineStoreState = (): EngineStoreState => ({
  state: null,
  orders: [],
  positions: [],
  signals: [],
  signalCounts: NO_COUNTS,
  fills: [],
  paramHistory: [],
  symbols: [],
  killSwitch: null,
  params: null,
  riskLimits: null,
  totals: NO_TOTALS,
  frames: 0,
});

/**
 * Whether `next` supersedes `latest`. The sequence is monotone per engine run; a
 * restarted engine starts again from a low sequence but with a higher restart count, so
 * the restart count orders runs and the sequence orders states within a run.
 */
export function isNewer(next: EngineState, latest: EngineState | null): boolean {
  if (latest === null) return true;
  const nextRun = next.health.restarts;
  const latestRun = latest.health.restarts;
  if (nextRun !== latestRun) return nextRun > latestRun;
  return next.seq > latest.seq;
}

/** Keeps the previous slice object where the new one has the same content. */
function mergeState(previous: EngineStoreState, state: EngineState): EngineStoreState {
  const keep = <T>(old: T, fresh: T, same: (a: T, b: T) => boolean): T =>
    same(old, fresh) ? old : fresh;
  return {
    state,
    orders: keep(previous.orders, state.orders, sameOrders),
    positions: keep(previous.positions, state.positions, samePositions),
    signals: keep(previous.signals, state.signals, sameSignals),
    signalCounts: keep(previous.signalCounts, state.signalCounts, sameSignalCounts),
    fills: keep(previous.fills, state.fills, sameFills),
    paramHistory: keep(previous.paramHistory, state.paramHistory, sameParamHistory),
    symbols: keep(previous.symbols, state.symbols, sameStrings),
    killSwitch:
      previous.killSwitch !== null && sameKillSwitch(previous.killSwitch, state.killSwitch)
        ? previous.killSwitch
        : state.killSwitch,
    params:
      previous.params !== null && sameNumberRecord(previous.params, state.params)
        ? previous.params
        : state.params,
    riskLimits:
      previous.riskLimits !== null && sameNumberRecord(previous.riskLimits, state.riskLimits)
        ? previous.riskLimits
        : state.riskLimits,
    totals: keep(previous.totals, state.totals, sameNumberRecord),
    frames: previous.frames + 1,
  };
}

export function createEngineStore(schedule: FrameScheduler = animationFrameScheduler): EngineStore {
  const store = createStore<EngineStoreState>()(() => initialEngineStoreState());
  let pending: EngineState | null = null;
  // The newest state accepted so far, published or not: the watermark older ones lose to.
  let latest: EngineState | null = null;
  let scheduled = false;
  let ignored = 0;

  const flush = (): void => {
    scheduled = false;
    if (pending === null) return;
    const next = pending;
    pending = null;
    store.setState(mergeState(store.getState(), next), true);
  };

  return {
    store,
    receive(state) {
      if (!isNewer(state, latest)) {
        ignored++;
        return false;
      }
      latest = state;
      pending = state;
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
      return true;
    },
    flush,
    resetSequence() {
      latest = null;
    },
    get ignored() {
      return ignored;
    },
  };
}
