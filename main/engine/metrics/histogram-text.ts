/**
 * Prometheus text for a histogram whose buckets were counted elsewhere. prom-client's
 * Histogram can only `observe()` values one at a time; the engine's threads count the
 * buckets themselves on the shared buffer, so this writes the exposition from those
 * counts: `_bucket{le=...}` (cumulative, ending with `+Inf`), `_sum`, `_count`.
 */

/** A float the way Prometheus's own clients print it (Go's %g: 1e-06, 0.0001, +Inf). */
export function formatPrometheusFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return String(value);
}

const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export interface HistogramTextInput {
  readonly name: string;
  readonly help: string;
  readonly bounds: readonly number[];
  readonly cumulativeCounts: ArrayLike<number>;
  readonly sum: number;
  readonly count: number;
}

/**
 * The exposition lines. Counts read from another thread may be a record apart (the count
 * ahead of a bucket, say); they are made monotone so the output is always a valid
 * histogram rather than one Prometheus rejects.
 */
export function histogramText(input: HistogramTextInput): string {
  if (input.cumulativeCounts.length !== input.bounds.length) {
    throw new RangeError(
      `${input.name}: ${input.cumulativeCounts.length} bucket counts for ${input.bounds.length} bounds`,
    );
  }
  const finite = (value: number): number => (Number.isFinite(value) && value > 0 ? value : 0);
  const lines = [
    `# HELP ${input.name} ${escapeHelp(input.help)}`,
    `# TYPE ${input.name} histogram`,
  ];
  let running = 0;
  for (let i = 0; i < input.bounds.length; i++) {
    running = Math.max(running, finite(input.cumulativeCounts[i]!));
    lines.push(`${input.name}_bucket{le="${formatPrometheusFloat(input.bounds[i]!)}"} ${running}`);
  }
  const total = Math.max(running, finite(input.count));
  lines.push(`${input.name}_bucket{le="+Inf"} ${total}`);
  lines.push(
    `${input.name}_sum ${formatPrometheusFloat(Number.isFinite(input.sum) ? input.sum : 0)}`,
  );
  lines.push(`${input.name}_count ${total}`);
  return lines.join('\n') + '\n';
}
