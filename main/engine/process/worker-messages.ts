import type {
  BookView,
  FillView,
  OrderView,
  PositionView,
  SignalCounts,
  SignalView,
  TradeView,
} from '../../../shared/api.js';
import type { FeedState } from '../../../shared/domain.js';
import type { EngineThread } from '../core/control-tables.js';
import type { LogLevel } from '../../../shared/log.js';

/**
 * What engine worker threads tell the engine's main thread by postMessage. These are
 * UI-rate snapshots (≤ ui_hz) and rare events, never per-tick traffic: ticks travel on
 * the rings only.
 */
export type WorkerReport =
  | {
      readonly kind: 'market';
      readonly books: readonly BookView[];
      readonly trades: readonly TradeView[];
      readonly feeds: readonly FeedState[];
      readonly messagesPerSecond: number;
    }
  | {
      readonly kind: 'strategy';
      readonly signals: readonly SignalView[];
      readonly counts: SignalCounts;
    }
  | {
      readonly kind: 'execution';
      readonly orders: readonly OrderView[];
      readonly fills: readonly FillView[];
      readonly positions: readonly PositionView[];
      readonly totals: { readonly realizedPnl: number; readonly unrealizedPnl: number };
      /** The trading state the broker had applied when this was made (TradingStateCode). */
      readonly appliedState: number;
      /** The stamp (EngineShared) read just after applying it: changes up to it are in here. */
      readonly appliedStampUs: number;
      /** The reporting thread's own heap (bytes), for the soak bench. */
      readonly heapUsedBytes?: number;
    }
  /** A write failed: the main thread engages the kill switch with this reason. */
  | { readonly kind: 'persistence-error'; readonly message: string }
  | { readonly kind: 'persistence-recovered' }
  /** The persistence thread is about to close: the main thread answers `end` after its last control row. */
  | { readonly kind: 'persistence-closing' }
  /** The broker's thread halted trading on `risk_limits.max_drawdown`; the reason says by how much. */
  | { readonly kind: 'drawdown-halt'; readonly reason: string }
  | {
      readonly kind: 'log';
      readonly level: LogLevel;
      readonly msg: string;
      readonly data?: Record<string, unknown>;
    }
  /** Replay: this thread consumed the END record and flushed. */
  | {
      readonly kind: 'done';
      readonly thread: EngineThread;
      readonly summary?: Record<string, unknown>;
    }
  | { readonly kind: 'fatal'; readonly thread: EngineThread; readonly error: string };

/** Messages the main thread sends the persistence worker (low-rate control rows). */
export type PersistenceControl =
  | {
      readonly kind: 'paramChange';
      readonly tsUs: number;
      readonly key: string;
      readonly oldValue: number;
      readonly newValue: number;
      readonly source: string;
    }
  | {
      readonly kind: 'killSwitch';
      readonly tsUs: number;
      readonly state: string;
      readonly reason: string;
      readonly source: string;
    }
  /** No control row follows (the answer to `persistence-closing`). */
  | { readonly kind: 'end' };

/** What the engine main thread posts the hot thread: read the command ring and the trading state now. */
export type HotThreadMessage = { readonly kind: 'wake' };
