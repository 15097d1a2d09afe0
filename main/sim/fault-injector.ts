import type { Rng } from '../engine/core/rng.js';
import type { FaultSpec } from './fault-spec.js';
import { FrameKind, type FrameKindCode } from './frame-output.js';

export const Corruption = {
  NONE: 0,
  /** The message is cut short: invalid JSON, as a torn frame would be. */
  TRUNCATE: 1,
  /** Valid JSON, but a price or quantity is not a number ("61737.63x00000"). */
  BAD_NUMBER: 2,
} as const;
export type CorruptionCode = (typeof Corruption)[keyof typeof Corruption];

/** What happens to one frame; reused for every frame (no allocation per frame). */
export interface FrameFault {
  dup: boolean;
  reorder: boolean;
  corruption: CorruptionCode;
  /** Where a TRUNCATE cuts the message, as a fraction of its length. */
  cutFraction: number;
}

export interface FaultCounters {
  dropped: number;
  duplicated: number;
  reordered: number;
  malformed: number;
  silenced: number;
}

/**
 * Draws the per-frame faults of a FaultSpec from its own seeded Rng. A decision is made
 * once per frame and applies to every connection that receives it, so all clients of
 * one run see the same faults and a seed reproduces them.
 */
export class FaultInjector {
  readonly fault: FrameFault = {
    dup: false,
    reorder: false,
    corruption: Corruption.NONE,
    cutFraction: 0,
  };
  readonly counters: FaultCounters = {
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    malformed: 0,
    silenced: 0,
  };

  constructor(
    /** The faults in force; replaced whole by setFaults (a test lifts them mid-run). */
    public spec: FaultSpec,
    private readonly rng: Rng,
  ) {}

  /** A REST depth request fails (the `rest_error` fault). */
  restFails(): boolean {
    return this.spec.restError > 0 && this.rng.next() < this.spec.restError;
  }

  /** True while the spec's silence window covers feed time `feedMs`. */
  silenced(feedMs: number): boolean {
    const silence = this.spec.silence;
    return (
      silence !== null && feedMs >= silence.startMs && feedMs < silence.startMs + silence.durationMs
    );
  }

  /**
   * Decides the fate of one frame. Returns false when the frame is dropped; otherwise
   * `fault` says how to send it. Only depth diffs are dropped: a lost diff is the gap a
   * client must detect, while a lost trade would go unnoticed by design.
   */
  decide(kind: FrameKindCode): boolean {
    const spec = this.spec;
    const f = this.fault;
    f.dup = false;
    f.reorder = false;
    f.corruption = Corruption.NONE;
    if (kind === FrameKind.DEPTH && spec.drop > 0 && this.rng.next() < spec.drop) {
      this.counters.dropped++;
      return false;
    }
    if (spec.malformed > 0 && this.rng.next() < spec.malformed) {
      f.corruption = this.rng.next() < 0.5 ? Corruption.TRUNCATE : Corruption.BAD_NUMBER;
      f.cutFraction = 0.1 + 0.8 * this.rng.next();
      this.counters.malformed++;
    }
    if (spec.dup > 0 && this.rng.next() < spec.dup) {
      f.dup = true;
      this.counters.duplicated++;
    }
    if (spec.reorder > 0 && this.rng.next() < spec.reorder) {
      f.reorder = true;
      this.counters.reordered++;
    }
    return true;
  }
}

const DECIMAL_STRING = /"(\d+)\.(\d+)"/;

/**
 * The payload with its first decimal string made unparseable ("61737.63000000" →
 * "61737.6300000x0"): the frame stays valid JSON, so only a parser that checks its
 * numbers notices. Falls back to cutting the text when there is no decimal to spoil.
 */
export function spoilNumber(payload: string): string {
  const match = DECIMAL_STRING.exec(payload);
  if (!match) return truncateText(payload, 0.5);
  const digits = match[2]!;
  const spoiled = `"${match[1]}.${digits.slice(0, -1)}x${digits.slice(-1)}"`;
  return payload.slice(0, match.index) + spoiled + payload.slice(match.index + match[0].length);
}

/** The first `fraction` of a message (at least one character, never all of it). */
export function truncateText(text: string, fraction: number): string {
  const cut = Math.min(text.length - 1, Math.max(1, Math.floor(text.length * fraction)));
  return text.slice(0, cut);
}
