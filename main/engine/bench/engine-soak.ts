import type { EngineLayout, WarmMode } from '../../../shared/config.js';
import type { EngineRuntime } from '../process/engine-runtime.js';
import { runLiveEngine } from './live-engine.js';

export interface SoakMinute {
  readonly minute: number;
  readonly rssMb: number;
  /** Heap of the engine's main thread and of the trading thread (hot or execution), MB. */
  readonly mainHeapMb: number;
  readonly tradingHeapMb: number | null;
  readonly orders: number;
  readonly p50Us: number | null;
  readonly p99Us: number | null;
}

const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

/**
 * Runs the engine against the simulator for `minutes` at `framesPerSecond`, trading, and
 * reports once a minute what a trader leaving it running would watch: the process RSS,
 * the heaps, the orders and that minute's tick-to-trade. Flat lines mean nothing grows.
 */
export async function runSoak(options: {
  readonly minutes: number;
  readonly framesPerSecond: number;
  readonly layout: EngineLayout;
  readonly keepWarm: WarmMode;
  readonly onMinute: (minute: SoakMinute) => void;
}): Promise<void> {
  let ordersBefore = 0;
  const everyMinute = (engine: EngineRuntime, second: number): void => {
    if (second % 60 !== 0) return;
    const histogram = engine.control.histogram('tick_to_trade');
    const orders = engine.control.counter('orders_submitted');
    options.onMinute({
      minute: second / 60,
      rssMb: mb(process.memoryUsage().rss),
      mainHeapMb: mb(process.memoryUsage().heapUsed),
      tradingHeapMb:
        engine.tradingThreadHeapBytes === null ? null : mb(engine.tradingThreadHeapBytes),
      orders: orders - ordersBefore,
      p50Us: histogram.count > 0 ? Math.round(histogram.quantile(0.5) / 100) / 10 : null,
      p99Us: histogram.count > 0 ? Math.round(histogram.quantile(0.99) / 100) / 10 : null,
    });
    ordersBefore = orders;
    histogram.reset();
  };
  await runLiveEngine({
    layout: options.layout,
    keepWarm: options.keepWarm,
    framesPerSecond: options.framesPerSecond,
    seconds: Math.round(options.minutes * 60),
    warmupSeconds: 0,
    onSecond: everyMinute,
  });
}
