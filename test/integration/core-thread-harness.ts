import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ThreadsWorkerData, ThreadsWorkerResult } from './core-threads-worker.js';

/** Only against a hang: the thread tests assert what happened, never how fast. */
const HANG_GUARD_MS = 45_000;

export interface RunningWorker {
  readonly result: Promise<ThreadsWorkerResult>;
  readonly worker: Worker;
}

export function startWorker(data: ThreadsWorkerData): RunningWorker {
  const worker = new Worker(path.join(__dirname, 'core-threads-worker.js'), { workerData: data });
  let guard: NodeJS.Timeout | undefined;
  const result = new Promise<ThreadsWorkerResult>((resolve, reject) => {
    guard = setTimeout(
      () => reject(new Error(`${data.role}: no result within ${HANG_GUARD_MS} ms`)),
      HANG_GUARD_MS,
    );
    worker.once('message', (message: ThreadsWorkerResult) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`${data.role} exited (code ${code}) before reporting`)),
    );
  }).finally(() => clearTimeout(guard));
  return { result, worker };
}

export async function stopAll(workers: readonly RunningWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.worker.terminate()));
}
