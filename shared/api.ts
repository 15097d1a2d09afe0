import { z } from 'zod';
import type { FeedState, OrderStatus, OrderType, Side, TradingState } from './domain.js';
import type { Config, RiskLimits, StrategyParams } from './config.js';

/**
 * The one command set the window (and the CLI, and tests) can send to the engine, by any
 * transport: Electron IPC or the headless WebSocket. Every payload is validated with
 * `CommandSchema` where it arrives; every command is answered with a `CommandAck`.
 */
const finite = z.number().finite();

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
]);
export type Command = z.infer<typeof CommandSchema>;

/** A command with the id its sender uses to match the acknowledgement. */
export const CommandEnvelopeSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  command: z.unknown(),
});

export type CommandAck =
  { readonly ok: true; readonly detail?: string } | { readonly ok: false; readonly reason: string };

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
}

export interface SignalCounts {
  readonly fired: number;
  readonly suppressed: number;
  readonly none: number;
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
  readonly qty: string;
  readonly avgCost: string;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly mark: number | null;
}

export interface KillSwitchView {
  readonly state: TradingState;
  readonly reason: string;
  /** Who changed it last: the trader, or the engine on its own. */
  readonly source: 'trader' | 'engine';
  readonly changedUs: number;
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
  readonly tickToTrade: { readonly p50Us: number; readonly p99Us: number };
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
}
