import { monoNowNs } from '../core/clock.js';
import type { BenchStage } from './bench-stage.js';
import { killSwitchBenchStage } from './kill-switch-stage.js';
import { runSyntheticChain } from './synthetic-feed.js';

const FRAMES = 30_000;

/** Tick-to-trade in one thread: frame bytes → book → features → signal → risk → order → fill → position. */
function inlineTickToTrade(): BenchStage {
  return {
    name: 'tick-to-trade, one thread (bytes → book → strategy → order → fill)',
    budgetNs: 20_000,
    group: 'end-to-end',
    note: 'per tick that produced an order; the four-thread figure adds two ring hand-overs (see core rows) and is reported by `replay`',
    measure() {
      const samples = new Float64Array(FRAMES);
      let sampleCount = 0;
      let frameStartNs = 0;
      runSyntheticChain(FRAMES, {
        beforeFrame: () => {
          frameStartNs = monoNowNs();
        },
        afterOrder: (n) => {
          // The first third warms the JIT up.
          if (n >= FRAMES / 3) samples[sampleCount++] = monoNowNs() - frameStartNs;
        },
      });
      if (sampleCount === 0)
        throw new Error('the synthetic feed produced no orders: the bench would measure nothing');
      return samples.slice(0, sampleCount);
    },
  };
}

export function endToEndBenchStages(): BenchStage[] {
  return [inlineTickToTrade(), killSwitchBenchStage()];
}
