import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../shared/config.js';
import { runReplay } from '../process/replay-runner.js';
import { analyseReplayRun } from './build-report.js';

/**
 * One sweep run in a child process of its own (one engine per process, so runs never
 * share threads or memory): gets `{ dataFile, config }`, replays into a private
 * database, answers `{ ok, totals }` and exits.
 */
interface Job {
  readonly dataFile: string;
  readonly config: Config;
}

process.once('message', (job: Job) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-sweep-'));
  const dbPath = join(dir, 'run.sqlite');
  runReplay({ dataFile: job.dataFile, config: job.config, dbPath })
    .then((summary) => analyseReplayRun(job.dataFile, job.config, dbPath, summary))
    .then(
      (run) => process.send!({ ok: true, totals: run.totals }),
      (error: unknown) =>
        process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.disconnect();
    });
});
