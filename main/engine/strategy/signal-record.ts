import type { SignalView } from '../../../shared/api.js';
import { NO_REJECT, SignalRow } from '../../../shared/records.js';
import {
  REJECT_REASONS,
  sideFromCode,
  type RejectReason,
  type SymbolIndex,
  type TimestampUs,
} from '../../../shared/domain.js';
import { PERSISTED_FEATURE_COUNT, type FeatureVector } from './features/feature-vector.js';
import type { SignalResult } from './signals/signal-generator.js';

/**
 * How a signal travels to persistence and the UI: a SignalRow (shared/records.ts), with
 * side = the sign of strength (0 exactly at the threshold), status a SignalStatus,
 * orderId the order it produced (0 when none), rejectReason the risk refusal of that
 * order (NO_REJECT when none), and the first 8 features in extractor order.
 */
export const SignalStatus = { FIRED: 0, SUPPRESSED: 1 } as const;
export type SignalStatusCode = (typeof SignalStatus)[keyof typeof SignalStatus];

const row = new SignalRow();

/** Writes the SIGNAL row at out[0..] and returns its view (for the caller's later fields). */
export function writeSignalRecord(
  out: Float64Array,
  result: SignalResult,
  features: FeatureVector,
  strategyIndex: number,
  status: SignalStatusCode,
): SignalRow {
  const r = row.begin(out, 0);
  r.tsUs = features.tsUs as TimestampUs;
  r.symbol = features.symbolIndex as SymbolIndex;
  r.side = result.strength > 0 ? 1 : result.strength < 0 ? -1 : 0;
  r.status = status;
  r.rejectReason = NO_REJECT;
  r.strength = result.strength;
  r.confidence = result.confidence;
  r.holdingPeriodMs = result.holdingPeriodMs;
  r.strategy = strategyIndex;
  features.copyPersisted(r);
  return r;
}

export interface DecodedSignal extends SignalView {
  readonly orderId: number;
  readonly rejectReason: RejectReason | null;
  readonly features: readonly number[];
}

const decoder = new SignalRow();

/** Decodes a SIGNAL row (off the hot path: persistence, the UI state, tests). */
export function decodeSignalRecord(
  rec: Float64Array,
  off: number,
  symbols: readonly string[],
): DecodedSignal {
  const r = decoder.read(rec, off);
  const symbolIndex = r.symbol;
  const features: number[] = [];
  for (let i = 0; i < PERSISTED_FEATURE_COUNT; i++) features.push(r.feature(i));
  return {
    tsUs: r.tsUs,
    symbol: symbols[symbolIndex] ?? `#${symbolIndex}`,
    side: sideFromCode(r.side),
    strength: r.strength,
    confidence: r.confidence,
    holdingPeriodMs: r.holdingPeriodMs,
    suppressed: r.status === SignalStatus.SUPPRESSED,
    orderId: r.orderId,
    rejectReason: r.rejectReason === NO_REJECT ? null : (REJECT_REASONS[r.rejectReason] ?? null),
    features,
  };
}
