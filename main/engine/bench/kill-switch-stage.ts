import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TradingStateCode } from '../../../shared/domain.js';
import { ControlBlock } from '../core/control-block.js';
import { monoNowUs } from '../core/clock.js';
import type { BenchStage } from './bench-stage.js';

const ROUNDS = 300;

/**
 * Kill switch: from the command reaching the engine (the store of the HALTED word) to the
 * execution thread acting on it, with that thread idle on its doorbell as it is between
 * ticks. DESIGN: within 1 ms.
 */
export function killSwitchBenchStage(): BenchStage {
  return {
    name: 'kill switch: command to execution thread acting (hybrid, idle)',
    budgetNs: 1_000_000,
    group: 'end-to-end',
    async measure() {
      const control = ControlBlock.create({ symbols: ['BTCUSDT'] });
      const stampBuffer = new SharedArrayBuffer(16);
      const stamps = new Float64Array(stampBuffer);
      const seen = new Int32Array(stampBuffer, 8, 1);
      const worker = new Worker(join(__dirname, 'kill-switch-worker.js'), {
        workerData: { control: control.buffer, stamps: stampBuffer, strategy: 'hybrid' },
      });
      await new Promise((resolve) => worker.once('message', resolve));
      const samples = new Float64Array(ROUNDS);
      try {
        for (let round = 0; round < ROUNDS; round++) {
          // Let the thread go idle and park, as between market ticks.
          await new Promise((resolve) => setTimeout(resolve, 2));
          const before = Atomics.load(seen, 0);
          const arrived = monoNowUs();
          control.setTradingState(
            round % 2 === 0 ? TradingStateCode.HALTED : TradingStateCode.ACTIVE,
          );
          control.doorbell('execution').wake();
          while (Atomics.load(seen, 0) === before) Atomics.wait(seen, 0, before, 50);
          samples[round] = (stamps[0]! - arrived) * 1000;
        }
      } finally {
        control.requestStop();
        await worker.terminate();
      }
      return samples;
    },
  };
}
