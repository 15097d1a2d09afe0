import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type EngineLayout, type WarmMode } from '../../../shared/config.js';
import { runReplay, type ReplaySummary } from '../process/replay-runner.js';
import { convertHftbacktest } from '../recording/hftbacktest-convert.js';
import { runLiveEngine, type LiveEngineRun } from './live-engine.js';
import { writeLoopedRecording } from './looped-recording.js';

/** The real BTCUSDT recording the replay row uses (test/fixtures, MIT). */
const BTCUSDT_FIXTURE = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'hftbacktest-binance-spot-btcusdt-20240808.gz',
);

export interface EngineSectionOptions {
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly onRun?: (what: string) => void;
}

/** Which engines run at each rate: hot with each way of keeping warm, and pipeline. */
const ENGINE_VARIANTS: ReadonlyArray<{ layout: EngineLayout; keepWarm: WarmMode }> = [
  { layout: 'hot', keepWarm: 'spin' },
  { layout: 'hot', keepWarm: 'timer' },
  { layout: 'hot', keepWarm: 'off' },
  { layout: 'pipeline', keepWarm: 'off' },
];

/**
 * The running engine against the simulator at each rate, every variant one after the
 * other (never two at once: they would share the two cores). At 100 frames/s each run
 * also times the kill switch.
 */
export async function runEngineSection(options: EngineSectionOptions): Promise<LiveEngineRun[]> {
  const runs: LiveEngineRun[] = [];
  for (const rate of options.rates) {
    for (const variant of ENGINE_VARIANTS) {
      options.onRun?.(
        `engine ${variant.layout}${variant.layout === 'hot' ? ` (keep_warm ${variant.keepWarm})` : ''} at ${rate} frames/s`,
      );
      runs.push(
        await runLiveEngine({
          layout: variant.layout,
          keepWarm: variant.keepWarm,
          framesPerSecond: rate,
          seconds: options.seconds,
          ...(rate === 100 ? { killSwitchRounds: 100 } : {}),
        }),
      );
    }
  }
  return runs;
}

export interface ReplayRow {
  readonly layout: EngineLayout;
  /** Passes of the fixture in the replayed file (1: the fixture itself). */
  readonly passes: number;
  readonly messages: number;
  readonly elapsedMs: number;
  readonly messagesPerSecond: number;
  readonly startupMs: number;
  readonly orders: number;
}

/** The longer replay: the fixture ten times over (412,481 lines). */
const LONG_PASSES = 10;

/**
 * `replay` of the real BTCUSDT fixture in both layouts (converted to a recording first),
 * then of the same recording looped LONG_PASSES times: 41,249 messages take about as
 * long as the JIT takes to compile the path, so the short file measures mostly the
 * warm-up and the long one the engine's speed over a recording of some length.
 */
export async function runReplaySection(fixture = BTCUSDT_FIXTURE): Promise<ReplayRow[]> {
  if (!existsSync(fixture))
    throw new Error(
      `the replay row needs the BTCUSDT fixture at ${fixture} (run bench from the repository, or leave out the replay section)`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-replay-'));
  try {
    const recording = join(dir, 'btcusdt.jsonl');
    await convertHftbacktest(fixture, 'BTCUSDT', recording);
    const looped = join(dir, `btcusdt-x${LONG_PASSES}.jsonl`);
    await writeLoopedRecording(recording, looped, LONG_PASSES);
    const rows: ReplayRow[] = [];
    for (const [file, passes] of [
      [recording, 1],
      [looped, LONG_PASSES],
    ] as const) {
      for (const layout of ['hot', 'pipeline'] as const) {
        const summary: ReplaySummary = await runReplay({
          dataFile: file,
          config: validateConfig({
            strategy: { params: { min_confidence: 0.3, imbalance_threshold: 0.2 } },
            engine: { layout },
          }),
          dbPath: join(dir, `${layout}-${passes}.sqlite`),
        });
        rows.push({
          layout,
          passes,
          messages: summary.messages,
          elapsedMs: summary.elapsed_ms,
          messagesPerSecond: summary.messages_per_second,
          startupMs: summary.startup_ms,
          orders: summary.orders,
        });
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const us = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} µs`);

export function formatEngineRuns(runs: readonly LiveEngineRun[]): string {
  const header = [
    'engine',
    'frames/s',
    'delivered/s',
    'orders',
    'p50',
    'p99',
    'p99.9',
    'kill switch p50 / p99 / p99.9 (n)',
  ];
  const cells = runs.map((run) => [
    run.layout === 'hot' ? `hot, keep_warm ${run.keepWarm}` : 'pipeline',
    String(run.framesPerSecond),
    String(run.deliveredPerSecond),
    String(run.measured),
    us(run.p50Us),
    us(run.p99Us),
    us(run.p999Us),
    run.killSwitch
      ? `${us(run.killSwitch.p50Us)} / ${us(run.killSwitch.p99Us)} / ${us(run.killSwitch.p999Us)} (${run.killSwitch.count}${run.killSwitch.unacted > 0 ? `, ${run.killSwitch.unacted} unacted` : ''})`
      : '',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (values: readonly string[]): string =>
    values.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join(' | ');
  return [
    'tick-to-trade of the running engine against the simulator (its own histogram, from the',
    'WebSocket message callback to the broker accepting the order; budget p99 ≤ 20 µs):',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map(line),
  ].join('\n');
}

export function formatReplayRows(rows: readonly ReplayRow[]): string {
  return [
    'replay of the real BTCUSDT fixture (hftbacktest, 41,249 messages), and of it looped',
    `${LONG_PASSES} times (each pass from its snapshot, ids and times moved on); target ≥ 200,000/s:`,
    ...rows.map(
      (row) =>
        `  ${row.layout.padEnd(8)} ${`${row.passes} pass${row.passes === 1 ? '' : 'es'}`.padEnd(9)} ${row.messagesPerSecond.toLocaleString('en-US').padStart(7)} messages/s (${row.messages.toLocaleString('en-US')} in ${row.elapsedMs} ms after ${row.startupMs} ms start-up; ${row.orders} orders)`,
    ),
  ].join('\n');
}

/** os.loadavg() rounded: the machine's load beside every figure. */
export function machineLoad(): [number, number, number] {
  const [one, five, fifteen] = loadavg();
  const round = (x: number | undefined): number => Math.round((x ?? 0) * 100) / 100;
  return [round(one), round(five), round(fifteen)];
}
