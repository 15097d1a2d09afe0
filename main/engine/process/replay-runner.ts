import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../../shared/config.js';
import { REJECT_REASONS } from '../../../shared/domain.js';
import { monoNowUs } from '../core/clock.js';
import { EngineRuntime } from './engine-runtime.js';
import type { LogFn } from '../../../shared/log.js';

/** The summary object of `replay --json` (docs/ARCHITECTURE.md §3), plus per-symbol positions. */
export interface ReplaySummary {
  readonly messages: number;
  readonly book_updates: number;
  readonly trades: number;
  readonly signals: number;
  readonly orders: number;
  readonly fills: number;
  readonly rejections: number;
  /** Position of the first configured symbol, base units; `positions` has every symbol. */
  readonly final_position: number;
  readonly realized_pnl: number;
  readonly unrealized_pnl: number;
  readonly tick_to_trade_us: { readonly p50: number; readonly p99: number; readonly p999: number };
  readonly gaps: number;
  readonly resyncs: number;
  readonly malformed: number;
  /** Wall time from the first line read to the last row written (not deterministic). */
  readonly elapsed_ms: number;
  /** messages / elapsed (not deterministic). */
  readonly messages_per_second: number;
  /** From starting the engine's threads to the first line read (not deterministic). */
  readonly startup_ms: number;
  /** Exact decimal position per symbol. */
  readonly positions: Readonly<Record<string, string>>;
  readonly suppressed_signals: number;
  readonly rejections_by_reason: Readonly<Record<string, number>>;
  /** Rows that could not be written to the database (kept in `journal`); 0 normally. */
  readonly unwritten_rows: number;
  /** Where the unwritten rows were kept (`<db>.journal`), or null. */
  readonly journal: string | null;
}

export interface ReplayOptions {
  readonly dataFile: string;
  readonly config: Config;
  /** SQLite file for the replay's rows; ':memory:' keeps nothing. */
  readonly dbPath: string;
  /** Replace an existing database file (a replay's rows must start from nothing). */
  readonly overwrite?: boolean;
  readonly log?: LogFn;
  /** Called with the market thread's progress (lines so far) for a progress bar. */
  readonly onProgress?: (messages: number) => void;
}

/**
 * Runs a recording through the engine (layout hot: one loop on the recording's clock;
 * pipeline: the four threads at their barrier) as fast as it goes, and returns the
 * summary. Deterministic: the same recording and config give the same summary and
 * database rows, except the measured times (tick_to_trade_us, elapsed_ms,
 * messages_per_second).
 */
export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  if (!existsSync(options.dataFile)) throw new Error(`no recording at ${options.dataFile}`);
  if (options.dbPath !== ':memory:') checkDatabaseFolder(options.dbPath);
  if (options.dbPath !== ':memory:' && existsSync(options.dbPath)) {
    if (!options.overwrite) {
      throw new Error(
        `${options.dbPath} already exists; a replay starts from an empty database (pass --overwrite to replace it)`,
      );
    }
    for (const suffix of ['', '-wal', '-shm', '.journal'])
      rmSync(options.dbPath + suffix, { force: true });
  }
  const startedUs = monoNowUs();
  const runtime = EngineRuntime.start({
    mode: 'replay',
    config: options.config,
    dbPath: options.dbPath,
    replayFile: options.dataFile,
    log: (level, msg) => options.log?.(level, msg),
  });
  let progress: NodeJS.Timeout | null = null;
  if (options.onProgress) {
    progress = setInterval(
      () => options.onProgress!(runtime.control.counter('market_updates')),
      200,
    );
  }
  try {
    return replaySummaryOf(runtime, await runtime.whenFinished(), startedUs);
  } finally {
    if (progress) clearInterval(progress);
    await runtime.stop();
  }
}

/** The summary of a finished replay, from the threads' done reports and the control block. */
export function replaySummaryOf(
  runtime: EngineRuntime,
  done: Map<string, Record<string, unknown> | undefined>,
  /** When the engine was started (monoNowUs); absent, start-up counts as 0. */
  startedUs?: number,
): ReplaySummary {
  const market = (done.get('market') ?? {}) as Record<string, number>;
  const strategy = (done.get('strategy') ?? {}) as Record<string, unknown>;
  const broker = (done.get('execution') ?? {}) as Record<string, unknown>;
  const persistence = (done.get('persistence') ?? {}) as Record<string, unknown>;
  const riskRejections = (strategy.rejections as number[] | undefined) ?? [];
  const byReason: Record<string, number> = {};
  REJECT_REASONS.forEach((reason, i) => {
    if ((riskRejections[i] ?? 0) > 0) byReason[reason] = riskRejections[i]!;
  });
  for (const [reason, n] of Object.entries(
    (broker.rejectionsByReason as Record<string, number>) ?? {},
  )) {
    if (n > 0) byReason[reason] = (byReason[reason] ?? 0) + n;
  }
  const tickToTrade = runtime.control.histogram('tick_to_trade');
  const quantileUs = (q: number): number =>
    tickToTrade.count > 0 ? round3(tickToTrade.quantile(q) / 1000) : 0;
  const messages = (market.frames ?? 0) + (market.snapshots ?? 0);
  // From the first line read to every row written: thread start-up is a fixed cost,
  // reported apart as startup_ms.
  const readStartedUs = market.readStartedUs ?? startedUs ?? monoNowUs();
  const elapsedMs = (monoNowUs() - readStartedUs) / 1000;
  return {
    messages,
    book_updates: market.bookUpdates ?? 0,
    trades: market.trades ?? 0,
    signals: Number(strategy.fired ?? 0),
    orders: runtime.control.counter('orders_submitted'),
    fills: Number(broker.fills ?? 0),
    rejections: Object.values(byReason).reduce((sum, n) => sum + n, 0),
    final_position: Number(broker.finalPosition ?? 0),
    realized_pnl: Number(broker.realizedPnl ?? 0),
    unrealized_pnl: Number(broker.unrealizedPnl ?? 0),
    tick_to_trade_us: { p50: quantileUs(0.5), p99: quantileUs(0.99), p999: quantileUs(0.999) },
    gaps: market.gaps ?? 0,
    resyncs: market.resyncs ?? 0,
    malformed: market.malformed ?? 0,
    elapsed_ms: Math.round(elapsedMs * 10) / 10,
    messages_per_second: elapsedMs > 0 ? Math.round((messages * 1000) / elapsedMs) : 0,
    startup_ms: Math.round((readStartedUs - (startedUs ?? readStartedUs)) / 100) / 10,
    positions: (broker.positions as Record<string, string>) ?? {},
    suppressed_signals: Number(strategy.suppressed ?? 0),
    rejections_by_reason: byReason,
    unwritten_rows: Number(persistence.pendingRows ?? 0),
    journal: typeof persistence.journal === 'string' ? persistence.journal : null,
  };
}

/** The database's folder must exist and be writable; said before any thread starts. */
function checkDatabaseFolder(dbPath: string): void {
  const folder = dirname(resolve(dbPath));
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new Error(`cannot create the database ${dbPath}: the folder ${folder} does not exist`);
  }
  if (!isFolder) throw new Error(`cannot create the database ${dbPath}: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new Error(`cannot create the database ${dbPath}: the folder ${folder} is not writable`);
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
