import type { RejectReason } from '../../../shared/domain.js';

/** The trader's words for a risk refusal; the trading states read as the window names them. */
const REFUSAL_WORDS: Partial<Record<RejectReason, string>> = {
  kill_switch: 'halted',
  reducing_only: 'reduce only',
};

/**
 * Why a signal was not traded, as the Signals table says it: below min_confidence (with
 * both numbers, so the trader sees how far off it was), or the risk check's refusal.
 * Undefined when nothing stopped it.
 */
export function signalReason(
  signal: {
    readonly suppressed: boolean;
    readonly confidence: number;
    readonly rejectReason: RejectReason | null;
  },
  /** Null when it is not known (a signal read back from the database). */
  minConfidence: number | null,
): string | undefined {
  if (signal.suppressed && minConfidence === null)
    return `confidence ${signal.confidence.toFixed(2)} below min_confidence`;
  if (signal.suppressed && minConfidence !== null) {
    // Enough digits that the two numbers differ: never "0.70 < min_confidence 0.70".
    let digits = 2;
    while (digits < 6 && signal.confidence.toFixed(digits) === minConfidence.toFixed(digits))
      digits++;
    return `confidence ${signal.confidence.toFixed(digits)} < min_confidence ${minConfidence.toFixed(digits)}`;
  }
  if (signal.rejectReason === null) return undefined;
  return REFUSAL_WORDS[signal.rejectReason] ?? signal.rejectReason.replace(/_/g, ' ');
}
