import type {
  KillSwitchView,
  OrderView,
  ParamChangeView,
  PositionView,
  SignalCounts,
  SignalView,
  FillView,
} from '../../../shared/api.js';

/**
 * Cheap "did this slice change" checks. Every state message is freshly parsed JSON, so
 * identity never survives; comparing the few fields that can change lets the store keep
 * the previous array and the tables skip their re-render when nothing moved.
 */

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
  return true;
}

const sameOrder = (x: OrderView, y: OrderView): boolean =>
  x.orderId === y.orderId &&
  x.status === y.status &&
  x.filledQty === y.filledQty &&
  x.avgFillPrice === y.avgFillPrice &&
  x.updatedUs === y.updatedUs &&
  x.price === y.price &&
  x.qty === y.qty &&
  x.reason === y.reason;

const samePosition = (x: PositionView, y: PositionView): boolean =>
  x.symbol === y.symbol &&
  x.strategyId === y.strategyId &&
  x.qty === y.qty &&
  x.avgCost === y.avgCost &&
  x.realizedPnl === y.realizedPnl &&
  x.unrealizedPnl === y.unrealizedPnl &&
  x.mark === y.mark;

const sameSignal = (x: SignalView, y: SignalView): boolean =>
  x.tsUs === y.tsUs &&
  x.symbol === y.symbol &&
  x.side === y.side &&
  x.strength === y.strength &&
  x.confidence === y.confidence &&
  x.suppressed === y.suppressed &&
  x.holdingPeriodMs === y.holdingPeriodMs &&
  x.reason === y.reason;

const sameFill = (x: FillView, y: FillView): boolean =>
  x.tradeId === y.tradeId && x.orderId === y.orderId;

const sameParamChange = (x: ParamChangeView, y: ParamChangeView): boolean =>
  x.tsUs === y.tsUs && x.key === y.key && x.newValue === y.newValue && x.oldValue === y.oldValue;

export const sameOrders = (a: readonly OrderView[], b: readonly OrderView[]): boolean =>
  sameList(a, b, sameOrder);
export const samePositions = (a: readonly PositionView[], b: readonly PositionView[]): boolean =>
  sameList(a, b, samePosition);
export const sameSignals = (a: readonly SignalView[], b: readonly SignalView[]): boolean =>
  sameList(a, b, sameSignal);
export const sameFills = (a: readonly FillView[], b: readonly FillView[]): boolean =>
  sameList(a, b, sameFill);
export const sameParamHistory = (
  a: readonly ParamChangeView[],
  b: readonly ParamChangeView[],
): boolean => sameList(a, b, sameParamChange);
export const sameStrings = (a: readonly string[], b: readonly string[]): boolean =>
  sameList(a, b, (x, y) => x === y);

export const sameSignalCounts = (a: SignalCounts, b: SignalCounts): boolean =>
  a.fired === b.fired && a.suppressed === b.suppressed && a.none === b.none;

export const sameKillSwitch = (a: KillSwitchView, b: KillSwitchView): boolean =>
  a.state === b.state &&
  a.reason === b.reason &&
  a.source === b.source &&
  a.changedUs === b.changedUs &&
  a.settled === b.settled;

/** Flat records of numbers (params, risk limits, totals). */
export function sameNumberRecord<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const ak = Object.keys(a) as (keyof T)[];
  if (ak.length !== Object.keys(b).length) return false;
  for (const key of ak) if (a[key] !== b[key]) return false;
  return true;
}
