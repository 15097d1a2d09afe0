import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  validateConfig,
  type Config,
  type EngineLayout,
  type WarmMode,
} from '../../../shared/config.js';
import { startSimulator } from '../../sim/start-simulator.js';
import type { LatencyHistogram } from '../core/histogram.js';
import { EngineRuntime } from '../process/engine-runtime.js';

/** One run of the real engine against the simulator. */
export interface LiveEngineRun {
  readonly layout: EngineLayout;
  readonly keepWarm: WarmMode;
  readonly framesPerSecond: number;
  /**
   * Depth diffs the engine applied per second while measured: the simulator sends a diff
   * only when its book changed, in bursts every 10 ms, so at 1,000/s fewer arrive.
   */
  readonly deliveredPerSecond: number;
  readonly seconds: number;
  /** Tick-to-trade from the engine's own histogram after the warm-up, µs (null: no order). */
  readonly p50Us: number | null;
  readonly p99Us: number | null;
  readonly p999Us: number | null;
  /** Orders the histogram measured after the warm-up. */
  readonly measured: number;
  readonly orders: number;
  readonly fills: number;
  /** Kill switch, command to the trading thread acting (when measured), µs. */
  readonly killSwitch?: {
    readonly p50Us: number;
    readonly p99Us: number;
    readonly p999Us: number;
    readonly count: number;
    /** Changes the trading thread had not acted on after KILL_SWITCH_TIMEOUT_MS. */
    readonly unacted: number;
  };
}

export interface LiveEngineOptions {
  readonly layout: EngineLayout;
  readonly framesPerSecond: number;
  readonly seconds: number;
  readonly warmupSeconds?: number;
  readonly keepWarm?: WarmMode;
  /** After the measured run, toggle the kill switch this many times and time each. */
  readonly killSwitchRounds?: number;
  /** Called once a second with the running engine (the soak prints from here). */
  readonly onSecond?: (runtime: EngineRuntime, second: number) => void;
}

/**
 * A config that trades on the simulator's market: a low threshold and confidence, risk
 * limits that never bind, and a small order size so nearly every fired signal sends an
 * order (the target position is far), so tick-to-trade has many samples.
 */
export function tradingConfig(
  url: string,
  restUrl: string,
  layout: EngineLayout,
  keepWarm: WarmMode,
): Config {
  return validateConfig({
    market: { url, rest_url: restUrl },
    strategy: {
      symbols: ['BTCUSDT'],
      params: { min_confidence: 0.3, imbalance_threshold: 0.2, max_position_size: 1000 },
      risk_limits: {
        max_position_size: 1000,
        max_order_size: 0.001,
        max_notional_exposure: 1e12,
        max_orders_per_second: 10_000,
      },
    },
    engine: { layout, keep_warm: keepWarm },
  });
}

const quantileUs = (histogram: LatencyHistogram, q: number): number | null =>
  histogram.count > 0 ? Math.round(histogram.quantile(q) / 10) / 100 : null;

/** How long a kill-switch round waits for the trading thread to act before counting it unacted. */
const KILL_SWITCH_TIMEOUT_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the simulator (one symbol, `framesPerSecond` depth diffs a second) and the real
 * engine (EngineRuntime: its worker threads, its database in a temporary folder) in
 * this process, lets it trade through a warm-up, clears the tick-to-trade histogram and
 * reads it again after `seconds`. The figures are the engine's own
 * (`strategy_tick_to_trade_duration_seconds`): from the WebSocket message callback to
 * the broker accepting the order.
 */
export async function runLiveEngine(options: LiveEngineOptions): Promise<LiveEngineRun> {
  const keepWarm = options.keepWarm ?? 'spin';
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
  const sim = await startSimulator({
    port: 0,
    seed: 11,
    symbols: ['BTCUSDT'],
    rate: options.framesPerSecond,
  });
  let runtime: EngineRuntime | null = null;
  try {
    runtime = EngineRuntime.start({
      mode: 'live',
      config: tradingConfig(sim.url, sim.restUrl, options.layout, keepWarm),
      dbPath: join(dir, 'bench.sqlite'),
    });
    const engine = runtime;
    await sleep((options.warmupSeconds ?? 2) * 1000);
    // The histogram's single writer is the trading thread; a sample recorded during this
    // reset may be lost, which a bench can afford (a test could not).
    const tickToTrade = engine.control.histogram('tick_to_trade');
    tickToTrade.reset();
    const ordersBefore = engine.control.counter('orders_submitted');
    const fillsBefore = engine.control.counter('fills');
    const booksBefore = engine.control.counter('book_updates');
    for (let second = 1; second <= options.seconds; second++) {
      await sleep(1000);
      options.onSecond?.(engine, second);
      if (engine.fatalError !== null) throw new Error(engine.fatalError);
    }
    const run = {
      layout: options.layout,
      keepWarm,
      framesPerSecond: options.framesPerSecond,
      deliveredPerSecond:
        Math.round(
          ((engine.control.counter('book_updates') - booksBefore) / options.seconds) * 10,
        ) / 10,
      seconds: options.seconds,
      p50Us: quantileUs(tickToTrade, 0.5),
      p99Us: quantileUs(tickToTrade, 0.99),
      p999Us: quantileUs(tickToTrade, 0.999),
      measured: tickToTrade.count,
      orders: engine.control.counter('orders_submitted') - ordersBefore,
      fills: engine.control.counter('fills') - fillsBefore,
    };
    if (!options.killSwitchRounds) return run;
    const killSwitch = engine.control.histogram('kill_switch');
    killSwitch.reset();
    // Each change waits for the trading thread to have acted on it (its open orders
    // cancelled) before the next: a change flipped back before the thread saw it would
    // be the slowest sample, and would go unmeasured.
    let unacted = 0;
    for (let round = 0; round < options.killSwitchRounds; round++) {
      engine.command({ type: 'setKillSwitch', on: round % 2 === 0, reason: 'bench' });
      const deadline = Date.now() + KILL_SWITCH_TIMEOUT_MS;
      while (!engine.tradingStateActed() && Date.now() < deadline) await sleep(1);
      if (!engine.tradingStateActed()) unacted++;
      await sleep(15);
    }
    return {
      ...run,
      killSwitch: {
        p50Us: quantileUs(killSwitch, 0.5) ?? NaN,
        p99Us: quantileUs(killSwitch, 0.99) ?? NaN,
        p999Us: quantileUs(killSwitch, 0.999) ?? NaN,
        count: killSwitch.count,
        unacted,
      },
    };
  } finally {
    await runtime?.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
