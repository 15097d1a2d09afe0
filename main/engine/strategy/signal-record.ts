import type { SignalView } from '../../../shared/api.js';
import { PersistKind, PersistRecord } from '../../../shared/records.js';
import { REJECT_REASONS, sideFromCode, type RejectReason } from '../../../shared/domain.js';
import { PERSISTED_FEATURE_COUNT, type FeatureVector } from './features/feature-vector.js';
import type { SignalResult } from './signals/signal-generator.js';

/**
 * How a signal travels to persistence and the UI: a PersistRecord of kind SIGNAL.
 *   TS_US, SYMBOL, STRATEGY   as named
 *   SIDE                      sign of strength (+1 buy, −1 sell, 0 at exactly the threshold)
 *   STATUS                    SignalStatus: 0 FIRED (tradeable), 1 SUPPRESSED (below min_confidence)
 *   ORDER_ID                  the order it produced, 0 when none
 *   AMOUNT_A                  REJECT_REASONS index + 1 when the risk check refused that
 *                             order, 0 otherwise (the slot is unused by SIGNAL in records.ts)
 *   AMOUNT_B, AMOUNT_C, AMOUNT_D  strength, confidence, holding period ms (records.ts)
 *   FEATURES ×8               the first 8 features in extractor order (FeatureVector.names)
 */
export const SignalStatus = { FIRED: 0, SUPPRESSED: 1 } as const;
export const SIGNAL_REJECT_SLOT = PersistRecord.AMOUNT_A;

export function writeSignalRecord(
  out: Float64Array,
  result: SignalResult,
  features: FeatureVector,
  strategyIndex: number,
  status: number,
): void {
  out[PersistRecord.KIND] = PersistKind.SIGNAL;
  out[PersistRecord.TS_US] = features.tsUs;
  out[PersistRecord.SYMBOL] = features.symbolIndex;
  out[PersistRecord.ORDER_ID] = 0;
  out[PersistRecord.SIDE] = result.strength > 0 ? 1 : result.strength < 0 ? -1 : 0;
  out[PersistRecord.TYPE] = 0;
  out[PersistRecord.STATUS] = status;
  out[PersistRecord.PRICE] = 0;
  out[PersistRecord.QTY] = 0;
  out[PersistRecord.FILLED_QTY] = 0;
  out[PersistRecord.AVG_PRICE] = 0;
  out[PersistRecord.AMOUNT_A] = 0;
  out[PersistRecord.AMOUNT_B] = result.strength;
  out[PersistRecord.AMOUNT_C] = result.confidence;
  out[PersistRecord.AMOUNT_D] = result.holdingPeriodMs;
  out[PersistRecord.CLIENT_ID_0] = 0;
  out[PersistRecord.CLIENT_ID_1] = 0;
  out[PersistRecord.CLIENT_ID_2] = 0;
  out[PersistRecord.CLIENT_ID_3] = 0;
  out[PersistRecord.STRATEGY] = strategyIndex;
  out[PersistRecord.TRADE_ID] = 0;
  features.copyPersisted(out, PersistRecord.FEATURES);
}

export interface DecodedSignal extends SignalView {
  readonly orderId: number;
  readonly rejectReason: RejectReason | null;
  readonly features: readonly number[];
}

/** Decodes a SIGNAL record (off the hot path: persistence, the UI state, tests). */
export function decodeSignalRecord(
  rec: Float64Array,
  off: number,
  symbols: readonly string[],
): DecodedSignal {
  const symbolIndex = rec[off + PersistRecord.SYMBOL]!;
  const rejectSlot = rec[off + SIGNAL_REJECT_SLOT]!;
  const features: number[] = [];
  for (let i = 0; i < PERSISTED_FEATURE_COUNT; i++)
    features.push(rec[off + PersistRecord.FEATURES + i]!);
  return {
    tsUs: rec[off + PersistRecord.TS_US]!,
    symbol: symbols[symbolIndex] ?? `#${symbolIndex}`,
    side: sideFromCode(rec[off + PersistRecord.SIDE]!),
    strength: rec[off + PersistRecord.AMOUNT_B]!,
    confidence: rec[off + PersistRecord.AMOUNT_C]!,
    holdingPeriodMs: rec[off + PersistRecord.AMOUNT_D]!,
    suppressed: rec[off + PersistRecord.STATUS] === SignalStatus.SUPPRESSED,
    orderId: rec[off + PersistRecord.ORDER_ID]!,
    rejectReason: rejectSlot > 0 ? (REJECT_REASONS[rejectSlot - 1] ?? null) : null,
    features,
  };
}
