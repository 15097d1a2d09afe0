import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../shared/config.js';
import type { BacktestTotals } from './backtest-totals.js';
import type { SweepRow } from './report-html.js';
import { configAt, gridPoints, type SweepAxis } from './sweep-grid.js';

/**
 * Runs a parameter grid over one recording on every core: a pool of at most
 * availableParallelism() child processes, one engine (and one private database) per run.
 * Rows come back sorted by total PnL, best first, ties by grid order, so the same grid
 * gives the same table however the runs were scheduled.
 */
export async function runSweep(options: {
  readonly dataFile: string;
  readonly base: Config;
  readonly axes: readonly SweepAxis[];
  readonly parallelism?: number;
  readonly onRunDone?: (done: number, total: number) => void;
}): Promise<SweepRow[]> {
  const points = gridPoints(options.axes);
  // Every point is validated before any engine starts: a bad value fails the whole sweep now.
  const configs = points.map((point) => configAt(options.base, point));
  const workers = Math.max(
    1,
    Math.min(options.parallelism ?? availableParallelism(), points.length),
  );
  const results: Array<BacktestTotals | undefined> = new Array(points.length);
  let next = 0;
  let done = 0;
  const runOne = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(join(__dirname, 'sweep-worker.js'), [], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let answered = false;
      child.once('message', (answer: { ok: boolean; totals?: BacktestTotals; error?: string }) => {
        answered = true;
        if (answer.ok) {
          results[index] = answer.totals!;
          resolve();
        } else
          reject(new Error(`sweep run ${JSON.stringify(points[index])} failed: ${answer.error}`));
      });
      child.once('exit', (code) => {
        if (!answered)
          reject(
            new Error(
              `sweep run ${JSON.stringify(points[index])} exited with ${code}: ${stderr.trim().slice(-500)}`,
            ),
          );
      });
      child.send({ dataFile: options.dataFile, config: configs[index] });
    });
  const lane = async (): Promise<void> => {
    while (next < points.length) {
      const index = next++;
      await runOne(index);
      options.onRunDone?.(++done, points.length);
    }
  };
  await Promise.all(Array.from({ length: workers }, lane));
  return points
    .map((params, i) => ({ params, totals: results[i]!, order: i }))
    .sort((a, b) => b.totals.total_pnl - a.totals.total_pnl || a.order - b.order)
    .map(({ params, totals }) => ({ params, totals }));
}
