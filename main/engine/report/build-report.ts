import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../../../shared/config.js';
import type { ReplaySummary } from '../process/replay-runner.js';
import { analyseRun, type Analysis } from './backtest-analysis.js';
import { backtestTotals, type BacktestTotals } from './backtest-totals.js';
import { readMidSeries, type MidSeries } from './mid-series.js';
import { renderReportHtml, type SweepRow } from './report-html.js';
import { readRunRows, type RunRows } from './run-rows.js';

/** The sha256 of a file, hex (the report names the exact recording it ran on). */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface RunResult {
  readonly rows: RunRows;
  readonly analysis: Analysis;
  readonly totals: BacktestTotals;
}

/** Reads a finished replay's database and recording into the report's numbers. */
export async function analyseReplayRun(
  dataFile: string,
  config: Config,
  dbPath: string,
  summary: ReplaySummary,
): Promise<RunResult> {
  const rows = readRunRows(dbPath);
  const mids = new Map<string, MidSeries>();
  for (const symbol of config.strategy.symbols)
    mids.set(symbol, await readMidSeries(dataFile, symbol, config.strategy.params));
  const analysis = analyseRun(rows, config.strategy.symbols, mids);
  return { rows, analysis, totals: backtestTotals(rows, summary, analysis) };
}

/** Writes the self-contained report for a run (and a sweep's table, when there was one). */
export async function writeReplayReport(options: {
  readonly outPath: string;
  readonly dataFile: string;
  readonly config: Config;
  readonly summary: ReplaySummary;
  readonly run: RunResult;
  readonly sweep?: readonly SweepRow[];
}): Promise<void> {
  const first = options.config.strategy.symbols[0]!;
  const html = renderReportHtml({
    recordingName: basename(options.dataFile),
    recordingSha256: await sha256File(options.dataFile),
    config: options.config,
    summary: options.summary,
    totals: options.run.totals,
    analysis: options.run.analysis,
    fills: options.run.rows.fills.filter((f) => f.symbol === first),
    ...(options.sweep ? { sweep: options.sweep } : {}),
  });
  try {
    writeFileSync(options.outPath, html);
  } catch (error) {
    throw new Error(`cannot write the report to ${options.outPath}: ${(error as Error).message}`);
  }
}
