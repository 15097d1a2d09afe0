import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { clockCalibrationErrorUs, monoNowUs } from '../../main/engine/core/clock.js';

const ROUNDS = 200;

test('monoNowUs is monotonic within a thread', () => {
  let last = monoNowUs();
  for (let i = 0; i < 100_000; i++) {
    const now = monoNowUs();
    assert.ok(now >= last, `went back from ${last} to ${now}`);
    last = now;
  }
});

test('monoNowUs from a worker falls between two main-thread readings taken around it', async () => {
  // words: 0 = round the main thread asks for, 1 = round the worker answered; then the
  // worker's stamps and its calibration error as float64.
  const control = new Int32Array(new SharedArrayBuffer(8));
  const stamps = new Float64Array(new SharedArrayBuffer(8 * (ROUNDS + 1)));
  const clockPath = path.join(__dirname, '..', '..', 'main', 'engine', 'core', 'clock.js');
  const worker = new Worker(
    `
    const { workerData } = require('node:worker_threads');
    const { monoNowUs, clockCalibrationErrorUs } = require(workerData.clockPath);
    const control = new Int32Array(workerData.control);
    const stamps = new Float64Array(workerData.stamps);
    stamps[workerData.rounds] = clockCalibrationErrorUs();
    for (let round = 1; round <= workerData.rounds; round++) {
      while (Atomics.load(control, 0) < round) Atomics.wait(control, 0, round - 1, 1000);
      stamps[round - 1] = monoNowUs();
      Atomics.store(control, 1, round);
      Atomics.notify(control, 1);
    }`,
    {
      eval: true,
      workerData: { clockPath, control: control.buffer, stamps: stamps.buffer, rounds: ROUNDS },
    },
  );
  try {
    const brackets: [number, number][] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const before = monoNowUs();
      Atomics.store(control, 0, round);
      Atomics.notify(control, 0);
      while (Atomics.load(control, 1) < round) Atomics.wait(control, 1, round - 1, 1000);
      brackets.push([before, monoNowUs()]);
    }
    // Both threads' offsets are pinned to the shared clock within their calibration error.
    const tolerance = clockCalibrationErrorUs() + stamps[ROUNDS]! + 0.5;
    for (const [i, [before, after]] of brackets.entries()) {
      const stamp = stamps[i]!;
      assert.ok(
        stamp >= before - tolerance && stamp <= after + tolerance,
        `round ${i}: ${before} ≤ ${stamp} ≤ ${after} ± ${tolerance}`,
      );
    }
  } finally {
    await worker.terminate();
  }
});
