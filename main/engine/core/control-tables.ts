import { REJECT_REASONS, type RejectReason } from '../../../shared/domain.js';

/**
 * The declared tables behind the control block: which counters, latency stages, engine
 * threads and rings exist. Metrics, the UI's health panel and the replay summary iterate
 * these instead of repeating names, so a counter added here shows up everywhere.
 */

const BASE_COUNTERS = {
  market_updates: 'market data messages handled (depth diffs, snapshots, trades)',
  book_updates: 'book updates: applied depth diffs and snapshots that (re)start a book',
  trades: 'trade messages',
  gaps: 'sequence gaps in the depth stream',
  resyncs: 'book resynchronisations from a fresh snapshot',
  malformed: 'malformed messages skipped',
  signals_fired: 'signals that passed the confidence check',
  signals_suppressed: 'signals below min_confidence (shown, not traded)',
  signals_none: 'book updates with |imbalance| below the threshold',
  orders_submitted: 'orders sent to the broker after the risk check',
  fills: 'fills from the paper broker',
  ring_full_events: 'times a producer found a ring full',
  persistence_rows: 'rows written to SQLite',
  write_errors: 'failed SQLite writes',
} as const;

export type RejectionCounterName = `rejected_${RejectReason}`;
export type CounterName = keyof typeof BASE_COUNTERS | RejectionCounterName;

export interface CounterSpec {
  readonly name: CounterName;
  readonly help: string;
}

export const rejectionCounter = (reason: RejectReason): RejectionCounterName =>
  `rejected_${reason}`;

/** Every counter, in a stable order (the layout of the counter area follows it). */
const COUNTER_SPECS: readonly CounterSpec[] = [
  ...(Object.entries(BASE_COUNTERS) as [keyof typeof BASE_COUNTERS, string][]).map(
    ([name, help]) => ({ name, help }),
  ),
  ...REJECT_REASONS.map((reason) => ({
    name: rejectionCounter(reason),
    help: `orders refused: ${reason.replace(/_/g, ' ')}`,
  })),
];

export const COUNTER_NAMES: readonly CounterName[] = COUNTER_SPECS.map((spec) => spec.name);

/** Per-stage latency histograms (DESIGN.md §8 stages plus the persistence batch). */
export const LATENCY_STAGES = [
  'parse',
  'book_update',
  'features',
  'signal',
  'risk',
  'order_create',
  'fill',
  'position_update',
  'tick_to_trade',
  'persist_batch',
] as const;
export type LatencyStage = (typeof LATENCY_STAGES)[number];

/** Engine threads (DESIGN.md §1): each owns a doorbell and a replay barrier word. */
export const ENGINE_THREADS = ['market', 'strategy', 'execution', 'persistence'] as const;
export type EngineThread = (typeof ENGINE_THREADS)[number];

/** The rings of DESIGN.md §1, by their `channel` label in metrics. */
export const DEFAULT_RING_NAMES = [
  'market_to_strategy',
  'market_to_execution',
  'strategy_to_execution',
  'strategy_to_persistence',
  'execution_to_persistence',
] as const;
