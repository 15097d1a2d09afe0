/**
 * Fault injection for the simulator, from a spec like
 *
 *   drop=0.01,dup=0.01,reorder=0.01,malformed=0.005,disconnect=30s,silence=10s@60s,
 *   slow_snapshot=2000ms,rest_error=0.1
 *
 * Grammar: SPEC := ITEM ("," ITEM)* ; ITEM := NAME "=" VALUE ; no repeats.
 *   drop=P          each depth diff is not sent with probability P (a sequence gap)
 *   dup=P           each message is sent twice with probability P
 *   reorder=P       each depth diff is held back and sent after the next one with probability P
 *   malformed=P     each message is corrupted with probability P (bad JSON, bad price, missing field)
 *   disconnect=DUR  every connection is dropped DUR after it opened
 *   silence=DUR@EVERY   every EVERY, nothing is sent for DUR (queued, delivered afterwards)
 *   slow_snapshot=DUR   REST depth snapshots are answered DUR late
 *   rest_error=P    a REST depth request fails with HTTP 500 with probability P
 * P is a probability in [0, 1]; DUR is a number with a unit: ms, s or m (e.g. 250ms, 10s).
 * Faults are per connection and drawn from the simulator's seeded generator.
 */
export interface FaultSpec {
  readonly drop: number;
  readonly dup: number;
  readonly reorder: number;
  readonly malformed: number;
  /** 0 = never. */
  readonly disconnectMs: number;
  /** 0 = never. */
  readonly silenceMs: number;
  readonly silenceEveryMs: number;
  readonly slowSnapshotMs: number;
  readonly restError: number;
}

export const NO_FAULTS: FaultSpec = {
  drop: 0,
  dup: 0,
  reorder: 0,
  malformed: 0,
  disconnectMs: 0,
  silenceMs: 0,
  silenceEveryMs: 0,
  slowSnapshotMs: 0,
  restError: 0,
};

const PROBABILITIES = ['drop', 'dup', 'reorder', 'malformed', 'rest_error'] as const;
const DURATIONS = ['disconnect', 'slow_snapshot'] as const;
const NAMES = [...PROBABILITIES, ...DURATIONS, 'silence'] as const;

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

/** Parses a fault spec; '' or undefined means no faults. Throws FaultSpecError naming the problem. */
export function parseFaultSpec(spec: string | undefined): FaultSpec {
  const result: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = { ...NO_FAULTS };
  if (spec === undefined || spec.trim() === '') return result;
  const seen = new Set<string>();
  for (const rawItem of spec.split(',')) {
    const item = rawItem.trim();
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) {
      throw new FaultSpecError(`fault "${item}" must look like name=value (e.g. drop=0.01, disconnect=30s)`);
    }
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!(NAMES as readonly string[]).includes(name)) {
      throw new FaultSpecError(`unknown fault "${name}"; known faults: ${NAMES.join(', ')}`);
    }
    if (seen.has(name)) throw new FaultSpecError(`fault "${name}" is given twice`);
    seen.add(name);
    switch (name) {
      case 'drop':
      case 'dup':
      case 'reorder':
      case 'malformed':
        result[name] = probability(name, value);
        break;
      case 'rest_error':
        result.restError = probability(name, value);
        break;
      case 'disconnect':
        result.disconnectMs = duration(name, value, 100);
        break;
      case 'slow_snapshot':
        result.slowSnapshotMs = duration(name, value, 0);
        break;
      case 'silence': {
        const at = value.indexOf('@');
        if (at < 0) throw new FaultSpecError(`silence must look like silence=DURATION@EVERY (e.g. silence=10s@60s), got "${value}"`);
        result.silenceMs = duration('silence', value.slice(0, at), 1);
        result.silenceEveryMs = duration('silence period', value.slice(at + 1), 1);
        if (result.silenceMs >= result.silenceEveryMs) {
          throw new FaultSpecError(`silence ${value}: the silence must be shorter than its period`);
        }
        break;
      }
    }
  }
  return result;
}

function probability(name: string, text: string): number {
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new FaultSpecError(`${name} must be a probability between 0 and 1, got "${text}"`);
  }
  return value;
}

/** "250ms", "10s", "2m" → milliseconds. */
export function duration(name: string, text: string, minMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!match) throw new FaultSpecError(`${name} must be a duration like 250ms, 10s or 2m, got "${text}"`);
  const ms = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000);
  if (ms < minMs) throw new FaultSpecError(`${name} must be at least ${minMs} ms, got "${text}"`);
  return ms;
}

/** The spec back as text, for logs. */
export function describeFaults(faults: FaultSpec): string {
  const parts: string[] = [];
  if (faults.drop) parts.push(`drop=${faults.drop}`);
  if (faults.dup) parts.push(`dup=${faults.dup}`);
  if (faults.reorder) parts.push(`reorder=${faults.reorder}`);
  if (faults.malformed) parts.push(`malformed=${faults.malformed}`);
  if (faults.disconnectMs) parts.push(`disconnect=${faults.disconnectMs}ms`);
  if (faults.silenceMs) parts.push(`silence=${faults.silenceMs}ms@${faults.silenceEveryMs}ms`);
  if (faults.slowSnapshotMs) parts.push(`slow_snapshot=${faults.slowSnapshotMs}ms`);
  if (faults.restError) parts.push(`rest_error=${faults.restError}`);
  return parts.length ? parts.join(',') : 'none';
}
