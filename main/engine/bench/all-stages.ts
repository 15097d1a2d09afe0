import type { BenchStage } from './bench-stage.js';
import { coreBenchStages } from './core-stages.js';
import { endToEndBenchStages } from './end-to-end-stages.js';
import { executionBenchStages } from './execution-stages.js';
import { marketBenchStages } from './market-stages.js';
import { strategyBenchStages } from './strategy-stages.js';

/**
 * Every row of `lockstep bench`, in table order. Each area adds its own
 * `<area>BenchStages()` here (one import, one spread).
 */
export function allBenchStages(): BenchStage[] {
  return [
    ...coreBenchStages(),
    ...marketBenchStages(),
    ...strategyBenchStages(),
    ...executionBenchStages(),
    ...endToEndBenchStages(),
  ];
}
