import type { BenchStage } from './bench-stage.js';

/** One measured row of the latency table (docs/ARCHITECTURE.md §8). */
export interface BenchRow {
  readonly stage: string;
  readonly group: string;
  readonly budgetNs: number | null;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly p999Ns: number;
  readonly samples: number;
  /** p99 ≤ budget; null when the row has no budget. */
  readonly withinBudget: boolean | null;
  readonly note?: string;
}

/** Nearest-rank quantile of sorted values. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

export function summarizeStage(stage: BenchStage, samples: Float64Array): BenchRow {
  if (samples.length === 0) throw new Error(`bench stage "${stage.name}" returned no samples`);
  for (const value of samples) {
    if (!Number.isFinite(value))
      throw new Error(`bench stage "${stage.name}" returned a non-finite sample (${value})`);
  }
  const sorted = Float64Array.from(samples).sort();
  const p99Ns = quantileOfSorted(sorted, 0.99);
  return {
    stage: stage.name,
    group: stage.group,
    budgetNs: stage.budgetNs,
    p50Ns: quantileOfSorted(sorted, 0.5),
    p99Ns,
    p999Ns: quantileOfSorted(sorted, 0.999),
    samples: samples.length,
    withinBudget: stage.budgetNs === null ? null : p99Ns <= stage.budgetNs,
    ...(stage.note === undefined ? {} : { note: stage.note }),
  };
}

/** Runs the stages one after another (never in parallel: they would disturb each other). */
export async function runBench(
  stages: readonly BenchStage[],
  onStage?: (stage: BenchStage) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const stage of stages) {
    onStage?.(stage);
    rows.push(summarizeStage(stage, await stage.measure()));
  }
  return rows;
}

/** "85 ns", "3.2 ns", "1.24 µs", "2.10 ms". */
export function formatNs(ns: number): string {
  if (ns < 10) return `${ns.toFixed(1)} ns`;
  if (ns < 1000) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

const HEADERS = ['stage', 'budget', 'p50', 'p99', 'p99.9', 'within budget?'] as const;

/** The human table: one section per group, budgets judged on p99. */
export function formatBenchTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((row) => [
    row.stage,
    row.budgetNs === null ? '—' : formatNs(row.budgetNs),
    formatNs(row.p50Ns),
    formatNs(row.p99Ns),
    formatNs(row.p999Ns),
    row.withinBudget === null ? '—' : row.withinBudget ? 'yes' : 'NO',
  ]);
  const widths = HEADERS.map((header, c) =>
    Math.max(header.length, ...cells.map((line) => line[c]!.length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, c) => (c === 0 ? value.padEnd(widths[c]!) : value.padStart(widths[c]!)))
      .join(' | ');
  const out = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('-+-')];
  let group: string | null = null;
  rows.forEach((row, i) => {
    if (row.group !== group) {
      group = row.group;
      out.push(`[${group}]`);
    }
    out.push(line(cells[i]!));
  });
  out.push(
    '',
    'within budget? compares p99 with the docs/ARCHITECTURE.md §8 budget; — means measured for comparison only.',
  );
  return out.join('\n');
}

/** `bench --json`: one object per row, snake_case like the other JSON outputs. */
export function benchRowsToJson(
  rows: readonly BenchRow[],
): Record<string, string | number | boolean | null>[] {
  return rows.map((row) => ({
    stage: row.stage,
    group: row.group,
    budget_ns: row.budgetNs,
    p50_ns: row.p50Ns,
    p99_ns: row.p99Ns,
    p999_ns: row.p999Ns,
    samples: row.samples,
    within_budget: row.withinBudget,
    note: row.note ?? null,
  }));
}
