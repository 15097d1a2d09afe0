import { z } from 'zod';
import type { FeedState, OrderStatus, OrderType, Side, TradingState } from './domain.js';
import type { Config, RiskLimits, StrategyParams } from './config.js';

/**
 * The one command set the window (and the CLI, and tests) can send to the engine, by any
 * transport: Electron IPC or the headless WebSocket. Every payload is validated with
 * `CommandSchema` where it arrives; every command is answered with a `CommandAck`.
 */
const finite = z.number().finite();
const symbol = z
  .string()
  .regex(/^[A-Z0-9]{2,20}$/, 'a symbol is 2–20 upper-case letters or digits');
/** A price or quantity as the trader typed it: a plain decimal, checked exactly by the engine. */
const decimal = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,8})?$/, 'must be a plain decimal such as 61234.5 or 0.01');

const CommandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('setKillSwitch'),
    on: z.boolean(),
    reason: z.string().min(1).max(500),
  }),
  z.strictObject({
    type: z.literal('updateParams'),
    patch: z.record(z.string(), finite),
  }),
  z.strictObject({
    type: z.literal('updateRiskLimits'),
    patch: z.record(z.string(), finite),
  }),
  z.strictObject({
    type: z.literal('flatten'),
    symbol: z
      .string()
      .regex(/^[A-Z0-9]{2,20}$/)
      .optional(),
  }),
  z.strictObject({ type: z.literal('cancelAll') }),
  z.strictObject({ type: z.literal('cancelOrder'), orderId: z.number().int().positive() }),
  z.strictObject({ type: z.literal('subscribe') }),
  /** REDUCING: only orders that shrink a position; the kill switch (HALTED) outranks it. */
  z.strictObject({
    type: z.literal('setReduceOnly'),
    on: z.boolean(),
    reason: z.string().min(1).max(500),
  }),
  /** Every parameter and risk limit back to its default, audited with source 'reset'. */
  z.strictObject({ type: z.literal('resetParams') }),
  /**
   * A manual paper order; the same risk check as the strategy's decides it. `orderType`
   * (not `type`, which names the command): Limit needs `price`, Market takes none.
   */
  z.strictObject({
    type: z.literal('placeOrder'),
    symbol,
    side: z.enum(['Buy', 'Sell']),
    orderType: z.enum(['Limit', 'Market']),
    price: decimal.optional(),
    qty: decimal,
  }),
  // Replay in the window (the host runs a second engine on a recording; never the live one).
  z.strictObject({
    type: z.literal('replayStart'),
    /** A name from `ReplayCatalog.recordings`, never a path: the host resolves it. */
    recording: z.string().min(1).max(300),
    speed: z.union([z.literal(1), z.literal(10), z.literal(100), z.literal(0)]),
  }),
  z.strictObject({
    type: z.literal('replayControl'),
    action: z.enum(['play', 'pause', 'step']),
  }),
  z.strictObject({
    type: z.literal('replaySpeed'),
    speed: z.union([z.literal(1), z.literal(10), z.literal(100), z.literal(0)]),
  }),
  z.strictObject({ type: z.literal('replayStop') }),
  z.strictObject({ type: z.literal('replayReport') }),
]);
export type Command = z.infer<typeof CommandSchema>;

/** A command with the id its sender uses to match the acknowledgement. */
export const CommandEnvelopeSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  command: z.unknown(),
});

export type CommandAck =
  | {
      readonly ok: true;
      readonly detail?: string;
      /** placeOrder: the id the order will carry in the Orders table. */
      readonly orderId?: number;
    }
  | { readonly ok: false; readonly reason: string };

/** Validates an incoming payload; the reason names what was wrong. */
export function parseCommand(
  payload: unknown,
): { ok: true; command: Command } | { ok: false; reason: string } {
  const result = CommandSchema.safeParse(payload);
  if (result.success) return { ok: true, command: result.data };
  const reason = result.error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`)
    .join('; ');
  return { ok: false, reason: `invalid command: ${reason}` };
}

// ---------------------------------------------------------------------------------------
// State published to the window at most 30 times a second. Snapshots, not events: the
// window always renders the latest, so it can never fall behind the market.

/** [price, quantity] as decimal strings, best first. */
export type LevelView = readonly [string, string];

export interface BookView {
  readonly symbol: string;
  readonly synced: boolean;
  readonly lastUpdateId: number;
  readonly bids: readonly LevelView[];
  readonly asks: readonly LevelView[];
  readonly mid: number | null;
  readonly spreadBps: number | null;
}

export interface TradeView {
  readonly symbol: string;
  readonly tsUs: number;
  readonly price: string;
  readonly qty: string;
  readonly isBuyerMaker: boolean;
}

export interface SignalView {
  readonly tsUs: number;
  readonly symbol: string;
  readonly side: Side;
  readonly strength: number;
  readonly confidence: number;
  readonly holdingPeriodMs: number;
  readonly suppressed: boolean;
  /**
   * Why it was not traded, in the trader's words: "confidence 0.50 < min_confidence 0.70",
   * "reduce only", "halted", or the risk check's reason. Absent when it traded (or needed
   * no order).
   */
  readonly reason?: string;
}

export interface SignalCounts {
  readonly fired: number;
  readonly suppressed: number;
  readonly none: number;
  /**
   * Confidence of every signal since the engine started (fired and suppressed), counted
   * in ten bins of 0.1: [0, 0.1), …, [0.9, 1].
   */
  readonly confidenceBins?: readonly number[];
}

export interface OrderView {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly status: OrderStatus;
  readonly price: string;
  readonly qty: string;
  readonly filledQty: string;
  readonly avgFillPrice: string;
  readonly createdUs: number;
  readonly updatedUs: number;
  readonly reason?: string;
  /** Whose order: the strategy's id, or 'manual' for the trader's own. */
  readonly strategyId?: string;
}

export interface FillView {
  readonly tradeId: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: Side;
  readonly price: string;
  readonly qty: string;
  readonly tsUs: number;
}

export interface PositionView {
  readonly symbol: string;
  /** Whose position: the strategy's id, or 'manual' for the trader's own orders. */
  readonly strategyId?: string;
  readonly qty: string;
  readonly avgCost: string;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly mark: number | null;
}

/** A change of the trading state, as it is recorded (control_events) and restored. */
export interface KillSwitchChange {
  readonly state: TradingState;
  readonly reason: string;
  /** Who changed it last: the trader, or the engine on its own. */
  readonly source: 'trader' | 'engine';
  readonly changedUs: number;
}

export interface KillSwitchView extends KillSwitchChange {
  /**
   * The trading thread has acted on this state: on HALTED its open orders are cancelled,
   * and the orders and positions in the same state are from after that. False for the
   * few milliseconds in between, which is all a fill already under way can still land in.
   */
  readonly settled: boolean;
}

export interface LatencyView {
  readonly stage: string;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly count: number;
}

export interface HealthView {
  readonly feed: FeedState;
  readonly messagesPerSecond: number;
  /** null quantiles (count 0) until an order has been measured: the window shows "—". */
  readonly tickToTrade: {
    readonly p50Us: number | null;
    readonly p99Us: number | null;
    readonly count: number;
  };
  readonly latencies: readonly LatencyView[];
  /** Ring name → fill ratio 0..1. */
  readonly ringUtilization: Readonly<Record<string, number>>;
  readonly uptimeSeconds: number;
  readonly restarts: number;
  readonly rejections: Readonly<Record<string, number>>;
  readonly ordersSubmitted: number;
}

export interface ParamChangeView {
  readonly tsUs: number;
  readonly key: string;
  readonly oldValue: number;
  readonly newValue: number;
  readonly source: string;
}

/** Replay speed: 1×, 10×, 100× the recording's clock, or 0 = as fast as the engine goes. */
export type ReplaySpeed = 1 | 10 | 100 | 0;

/** Present while the window shows a replay instead of the live market. */
export interface ReplayView {
  /** Which run: a new replay of the same file is a new picture. */
  readonly runId: number;
  /** The recording's name as listed (no directory). */
  readonly file: string;
  readonly speed: ReplaySpeed;
  readonly paused: boolean;
  /** The recording's clock: its first line, where it is now, and its last line (µs). */
  readonly firstTsUs: number;
  readonly tsUs: number;
  readonly lastTsUs: number;
  readonly bookUpdates: number;
  readonly finished: boolean;
  /** Where the report was written, once asked for. */
  readonly reportPath?: string;
}

export interface EngineState {
  /** Monotone per engine run; the window ignores an older one. */
  readonly seq: number;
  readonly tsUs: number;
  readonly engineRunning: boolean;
  readonly books: readonly BookView[];
  readonly trades: readonly TradeView[];
  readonly signals: readonly SignalView[];
  readonly signalCounts: SignalCounts;
  readonly orders: readonly OrderView[];
  readonly fills: readonly FillView[];
  readonly positions: readonly PositionView[];
  readonly totals: { readonly realizedPnl: number; readonly unrealizedPnl: number };
  readonly killSwitch: KillSwitchView;
  readonly health: HealthView;
  readonly params: StrategyParams;
  readonly riskLimits: RiskLimits;
  readonly paramHistory: readonly ParamChangeView[];
  readonly symbols: readonly string[];
  /** Set while replaying (the host's replay session); absent for the live market. */
  readonly replay?: ReplayView;
  /** The recordings the host can replay (names only; the host never takes a path). */
  readonly recordings?: readonly string[];
}

/** Messages from the host to the window, by any transport. */
export type HostMessage =
  | { readonly kind: 'state'; readonly state: EngineState }
  | { readonly kind: 'ack'; readonly id: number; readonly ack: CommandAck }
  | { readonly kind: 'config'; readonly config: Config };

/**
 * What the renderer may call. The Electron preload and the headless WebSocket client
 * both implement it; the renderer knows nothing else of the outside.
 */
export interface LockstepApi {
  send(command: Command): Promise<CommandAck>;
  /** Latest state, pushed at ≤ 30 Hz. Returns an unsubscribe function. */
  onState(listener: (state: EngineState) => void): () => void;
  /** Whether the transport to the host is up (the window shows a banner when not). */
  onConnection(listener: (connected: boolean) => void): () => void;
  /**
   * Desktop only: lets the trader pick any recording with the native open dialog and
   * replays it (the host's `replayFile`). Absent in a browser, which may only choose
   * from the host's catalogue.
   */
  openRecording?(speed: ReplaySpeed): Promise<CommandAck>;
}
