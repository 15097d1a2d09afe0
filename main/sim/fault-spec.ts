/**
 * Fault injection for the simulator, from the `--faults SPEC` grammar: comma-separated
 * `key=value` parts, each key at most once.
 *
 *   drop=P            each depth diff is lost with probability P (clients see a U/u gap)
 *   dup=P             each frame is sent twice with probability P
 *   reorder=P         each frame is held back and sent after the connection's next frame
 *   malformed=P       each frame is corrupted (truncated JSON or a bad number)
 *   disconnect=D      the server cuts every connection D after it opened (no close frame)
 *   silence=D@T       no frames at all for D, starting T after the feed starts
 *                     (connections stay open and answer pings: only the data stops)
 *   slow_snapshot=D   REST depth snapshots answer D late (content taken on arrival)
 *   rest_error=P      each REST depth request fails (HTTP 500, code -1001) with probability P
 *
 * P is a decimal probability from 0 to 1; D and T are a number with a unit, `ms`, `s` or
 * `m` (e.g. 250ms, 30s, 1.5m). Example:
 *   drop=0.01,dup=0.01,reorder=0.01,malformed=0.005,disconnect=30s,silence=10s@60s,slow_snapshot=2000ms
 * An empty spec or `none` means no faults. Every error names the part that is wrong.
 */
export interface FaultSpec {
  readonly drop: number;
  readonly dup: number;
  readonly reorder: number;
  readonly malformed: number;
  /** Each connection is cut this long after it opened; null = never. */
  readonly disconnectMs: number | null;
  readonly silence: { readonly startMs: number; readonly durationMs: number } | null;
  /** Extra delay of REST depth snapshots, ms. */
  readonly slowSnapshotMs: number;
  /** Probability that a REST depth request fails with HTTP 500. */
  readonly restError: number;
}

export const NO_FAULTS: FaultSpec = {
  drop: 0,
  dup: 0,
  reorder: 0,
  malformed: 0,
  disconnectMs: null,
  silence: null,
  slowSnapshotMs: 0,
  restError: 0,
};

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const PROBABILITY_KEYS = ['drop', 'dup', 'reorder', 'malformed'] as const;
const FAULT_KEYS = [
  ...PROBABILITY_KEYS,
  'rest_error',
  'disconnect',
  'silence',
  'slow_snapshot',
] as const;
type FaultKey = (typeof FAULT_KEYS)[number];

const EXAMPLE =
  'e.g. drop=0.01,dup=0.01,reorder=0.01,malformed=0.005,disconnect=30s,silence=10s@60s,slow_snapshot=2000ms';
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const DURATION = /^((?:\d+(?:\.\d*)?|\.\d+))(ms|s|m)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

export function parseFaultSpec(text: string | undefined): FaultSpec {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed === 'none') return NO_FAULTS;
  const seen = new Set<string>();
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = { ...NO_FAULTS };
  const parts = trimmed.split(',');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!.trim();
    if (part === '')
      throw new FaultSpecError(`faults: part ${index + 1} is empty (a stray comma?); ${EXAMPLE}`);
    const eq = part.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`faults: "${part}" needs the form key=value; ${EXAMPLE}`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!isFaultKey(key)) {
      throw new FaultSpecError(
        `faults: unknown fault "${key}" in "${part}"; known faults: ${FAULT_KEYS.join(', ')}`,
      );
    }
    if (seen.has(key))
      throw new FaultSpecError(`faults: "${key}" is given twice; give each fault once`);
    seen.add(key);
    if (value === '') throw new FaultSpecError(`faults: "${part}" has no value`);
    switch (key) {
      case 'drop':
      case 'dup':
      case 'reorder':
      case 'malformed':
        spec[key] = parseProbability(part, value);
        break;
      case 'rest_error':
        spec.restError = parseProbability(part, value);
        break;
      case 'disconnect': {
        const ms = parseDuration(part, value);
        if (ms <= 0)
          throw new FaultSpecError(
            `faults: "${part}": the disconnect period must be longer than 0`,
          );
        spec.disconnectMs = ms;
        break;
      }
      case 'silence': {
        const at = value.indexOf('@');
        if (at < 0)
          throw new FaultSpecError(`faults: "${part}" needs DURATION@START, e.g. silence=10s@60s`);
        const durationMs = parseDuration(part, value.slice(0, at).trim());
        const startMs = parseDuration(part, value.slice(at + 1).trim());
        if (durationMs <= 0)
          throw new FaultSpecError(`faults: "${part}": the silence must last longer than 0`);
        spec.silence = { startMs, durationMs };
        break;
      }
      case 'slow_snapshot':
        spec.slowSnapshotMs = parseDuration(part, value);
        break;
    }
  }
  return spec;
}

/** Checks a FaultSpec given as an object (the programmatic API): same rules as the text form. */
export function validateFaultSpec(input: Partial<FaultSpec>): FaultSpec {
  const spec = { ...NO_FAULTS, ...input };
  for (const key of [...PROBABILITY_KEYS, 'restError'] as const) {
    const value = spec[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new FaultSpecError(
        `faults: ${key} must be a probability from 0 to 1, got ${String(value)}`,
      );
    }
  }
  if (
    spec.disconnectMs !== null &&
    !(Number.isFinite(spec.disconnectMs) && spec.disconnectMs > 0)
  ) {
    throw new FaultSpecError(
      `faults: disconnectMs must be a positive number of ms or null, got ${String(spec.disconnectMs)}`,
    );
  }
  if (spec.silence !== null) {
    const { startMs, durationMs } = spec.silence;
    if (
      !(Number.isFinite(startMs) && startMs >= 0) ||
      !(Number.isFinite(durationMs) && durationMs > 0)
    ) {
      throw new FaultSpecError(
        `faults: silence needs startMs >= 0 and durationMs > 0, got ${JSON.stringify(spec.silence)}`,
      );
    }
  }
  if (!(Number.isFinite(spec.slowSnapshotMs) && spec.slowSnapshotMs >= 0)) {
    throw new FaultSpecError(
      `faults: slowSnapshotMs must be 0 or more ms, got ${String(spec.slowSnapshotMs)}`,
    );
  }
  return spec;
}

/** The spec in its own grammar (for logs and the CLI's start line); parses back to itself. */
export function describeFaults(spec: FaultSpec): string {
  const parts: string[] = [];
  for (const key of PROBABILITY_KEYS) if (spec[key] > 0) parts.push(`${key}=${spec[key]}`);
  if (spec.restError > 0) parts.push(`rest_error=${spec.restError}`);
  if (spec.disconnectMs !== null) parts.push(`disconnect=${spec.disconnectMs}ms`);
  if (spec.silence !== null)
    parts.push(`silence=${spec.silence.durationMs}ms@${spec.silence.startMs}ms`);
  if (spec.slowSnapshotMs > 0) parts.push(`slow_snapshot=${spec.slowSnapshotMs}ms`);
  return parts.length === 0 ? 'none' : parts.join(',');
}

function isFaultKey(key: string): key is FaultKey {
  return (FAULT_KEYS as readonly string[]).includes(key);
}

function parseProbability(part: string, value: string): number {
  const n = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(n) || n > 1) {
    throw new FaultSpecError(
      `faults: "${part}": the value must be a probability from 0 to 1, e.g. 0.01`,
    );
  }
  return n;
}

function parseDuration(part: string, value: string): number {
  const match = DURATION.exec(value);
  if (!match) {
    const hint = DECIMAL.test(value) ? ` (a unit is needed: ${value}ms or ${value}s?)` : '';
    throw new FaultSpecError(
      `faults: "${part}": "${value}" is not a duration like 250ms, 30s or 1.5m${hint}`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
