import { hftbacktestSymbol } from '../engine/recording/hftbacktest-convert.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay, type ReplaySummary } from '../engine/process/replay-runner.js';
import { analyseReplayRun, writeReplayReport } from '../engine/report/build-report.js';
import { sweepTable, type SweepRow } from '../engine/report/report-html.js';
import { runSweep } from '../engine/report/sweep.js';
import { parseSweepAxis } from '../engine/report/sweep-grid.js';
import {
  type CommandSpec,
  booleanOption,
  stringListOption,
  stringOption,
  UsageError,
} from './args.js';
import { readConfigOption } from './config-option.js';

export const replayCommand: CommandSpec = {
  name: 'replay',
  summary: 'run a recording through the full engine, deterministic, as fast as possible',
  usage:
    'replay --data FILE [--config FILE] [--db FILE] [--json] [--report FILE.html] [--sweep key=v1,v2,...]...',
  options: [
    {
      name: 'data',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording (docs/ARCHITECTURE.md §4 JSON Lines, .gz allowed)',
    },
    {
      name: 'config',
      kind: 'string',
      value: 'FILE',
      description: 'TOML configuration (defaults when absent)',
    },
    {
      name: 'db',
      kind: 'string',
      value: 'FILE',
      description: 'SQLite file for orders, fills, positions, signals (default: in memory)',
    },
    { name: 'overwrite', kind: 'boolean', description: 'replace --db if it exists' },
    { name: 'json', kind: 'boolean', description: 'print the summary object only' },
    {
      name: 'report',
      kind: 'string',
      value: 'FILE.html',
      description:
        'write the backtest report: one self-contained HTML file (charts inlined, no network needed)',
    },
    {
      name: 'sweep',
      kind: 'string',
      value: 'key=v1,v2,...',
      repeatable: true,
      description:
        'run the grid of these values on every core and print one row per combination, best PnL first (repeat for more keys; a parameter name like imbalance_threshold or a dotted config path)',
    },
  ],
  async run(options) {
    const config = readConfigOption(stringOption(options, 'config'));
    const dataFile = stringOption(options, 'data')!;
    // Every line of a collector file would be skipped as malformed: say what to do instead.
    const collectorSymbol = await hftbacktestSymbol(dataFile).catch(() => null);
    if (collectorSymbol !== null)
      throw new UsageError(
        `replay: ${dataFile} is an hftbacktest collector file, not a recording; convert it first: lockstep convert --in ${dataFile} --symbol ${collectorSymbol} --out ${collectorSymbol.toLowerCase()}.jsonl`,
      );
    const reportPath = stringOption(options, 'report');
    if (reportPath !== undefined && !/\.html?$/i.test(reportPath))
      throw new UsageError(`replay: --report names an HTML file (FILE.html), got "${reportPath}"`);
    const sweepSpecs = stringListOption(options, 'sweep');
    let sweep: SweepRow[] | undefined;
    if (sweepSpecs.length > 0) {
      let axes;
      try {
        axes = sweepSpecs.map((spec) => parseSweepAxis(spec, config));
      } catch (error) {
        throw new UsageError(`replay: ${(error as Error).message}`);
      }
      sweep = await runSweep({
        dataFile,
        base: config,
        axes,
        onRunDone: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rsweep: ${done}/${total} runs`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (booleanOption(options, 'json')) {
        for (const row of sweep) console.log(JSON.stringify(row));
      } else {
        const { head, body } = sweepTable(sweep);
        const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
        const line = (cells: readonly string[]): string =>
          cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
        console.log(line(head));
        for (const row of body) console.log(line(row));
      }
      // Without --report the grid is the whole answer; with it, the base run follows.
      if (reportPath === undefined) return 0;
    }
    // The report reads the run back from its database: a private one unless --db names one.
    const tempDir =
      reportPath !== undefined && stringOption(options, 'db') === undefined
        ? mkdtempSync(join(tmpdir(), 'lockstep-report-'))
        : null;
    const dbPath =
      tempDir !== null
        ? join(tempDir, 'replay.sqlite')
        : (stringOption(options, 'db') ?? ':memory:');
    try {
      return await replayOnce(options, config, dataFile, dbPath, reportPath, sweep);
    } finally {
      if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
    }
  },
};

async function replayOnce(
  options: Parameters<CommandSpec['run']>[0],
  config: ReturnType<typeof readConfigOption>,
  dataFile: string,
  dbPath: string,
  reportPath: string | undefined,
  sweep: SweepRow[] | undefined,
): Promise<number> {
  const showProgress =
    process.stderr.isTTY === true && !booleanOption(options, 'json') && sweep === undefined;
  const started = Date.now();
  const summary = await runReplay({
    dataFile,
    config,
    dbPath,
    overwrite: booleanOption(options, 'overwrite'),
    log: (level, msg) => {
      // A thread's failure comes back as the thrown error below: printed once, there.
      if (level === 'error' && THREAD_FAILED.test(msg)) return;
      if (level === 'warn' || level === 'error') process.stderr.write(`${firstLine(msg)}\n`);
    },
    ...(showProgress
      ? {
          onProgress: (messages: number) =>
            process.stderr.write(`\rreplay: ${messages.toLocaleString('en-US')} messages`),
        }
      : {}),
  }).catch((error: unknown) => {
    // One sentence (file, line, value); a thread's stack trace is for LOG_LEVEL=debug.
    const message = error instanceof Error ? error.message : String(error);
    if (process.env.LOG_LEVEL === 'debug') console.error(message);
    throw new Error(firstLine(message));
  });
  if (showProgress) process.stderr.write('\n');
  if (reportPath !== undefined) {
    const run = await analyseReplayRun(dataFile, config, dbPath, summary);
    await writeReplayReport({
      outPath: reportPath,
      dataFile,
      config,
      summary,
      run,
      ...(sweep ? { sweep } : {}),
    });
    process.stderr.write(`replay: report written to ${reportPath}\n`);
  }
  if (sweep !== undefined) return 0;
  if (booleanOption(options, 'json')) {
    console.log(JSON.stringify(summary));
    return unwrittenExit(summary);
  }
  const seconds = (Date.now() - started) / 1000;
  const rows: Array<[string, string]> = [
    [
      'messages',
      `${summary.messages} (${summary.messages_per_second.toLocaleString('en-US')}/s over ${summary.elapsed_ms} ms, after ${summary.startup_ms} ms start-up)`,
    ],
    ['book updates', String(summary.book_updates)],
    ['trades', String(summary.trades)],
    ['signals', `${summary.signals} fired, ${summary.suppressed_signals} suppressed`],
    ['orders', String(summary.orders)],
    ['fills', String(summary.fills)],
    ['rejections', `${summary.rejections} ${JSON.stringify(summary.rejections_by_reason)}`],
    [
      'positions',
      Object.entries(summary.positions)
        .map(([s, q]) => `${s} ${q}`)
        .join(', '),
    ],
    ['realized PnL', summary.realized_pnl.toFixed(2)],
    ['unrealized PnL', summary.unrealized_pnl.toFixed(2)],
    [
      'tick-to-trade µs',
      `p50 ${summary.tick_to_trade_us.p50}  p99 ${summary.tick_to_trade_us.p99}  p99.9 ${summary.tick_to_trade_us.p999}`,
    ],
    ['gaps / resyncs / malformed', `${summary.gaps} / ${summary.resyncs} / ${summary.malformed}`],
    ['time', `${seconds.toFixed(2)} s`],
  ];
  for (const [label, value] of rows) console.log(`${label.padEnd(28)} ${value}`);
  return unwrittenExit(summary);
}

/** After the summary: a database that disagrees with it is a failure, said in one sentence. */
function unwrittenExit(summary: ReplaySummary): number {
  if (summary.unwritten_rows === 0) return 0;
  process.stderr.write(
    `replay: ${summary.unwritten_rows} rows could not be written to the database, so it disagrees with this summary; ${summary.journal === null ? 'they could not be kept' : `they were kept in ${summary.journal}`}\n`,
  );
  return 1;
}

/** How EngineRuntime words a thread's failure (it is also thrown by runReplay). */
const THREAD_FAILED = /^\w+ thread failed: /;

const firstLine = (text: string): string => text.split('\n', 1)[0]!;
