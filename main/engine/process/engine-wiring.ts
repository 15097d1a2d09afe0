import type { Config } from '../../../shared/config.js';
import { MarketRecord, OrderRecord, PersistRecord } from '../../../shared/records.js';
import { ControlBlock } from '../core/control-block.js';
import { MarketSnapshots } from '../core/market-snapshot.js';
import { SpscRing } from '../core/spsc-ring.js';
import { roundUpToPowerOfTwo } from '../core/sab-layout.js';
import { EngineShared } from './engine-shared.js';
import type { BrokerRestoreState } from '../persistence/restore.js';

/**
 * The engine's topology (DESIGN.md §1): which rings link which threads, and the shared
 * buffers every thread attaches to. Created once by the engine's main thread and handed
 * to each worker as workerData (SharedArrayBuffers are shared, not copied).
 */
export const RING_SPECS = {
  market_to_strategy: { slots: MarketRecord.SLOTS, producer: 'market', consumer: 'strategy' },
  market_to_execution: { slots: MarketRecord.SLOTS, producer: 'market', consumer: 'execution' },
  strategy_to_execution: { slots: OrderRecord.SLOTS, producer: 'strategy', consumer: 'execution' },
  /** Trader commands (cancel, cancel all, flatten) from the engine's main thread. */
  host_to_execution: { slots: OrderRecord.SLOTS, producer: 'main', consumer: 'execution' },
  strategy_to_persistence: {
    slots: PersistRecord.SLOTS,
    producer: 'strategy',
    consumer: 'persistence',
  },
  execution_to_persistence: {
    slots: PersistRecord.SLOTS,
    producer: 'execution',
    consumer: 'persistence',
  },
} as const;
export type RingName = keyof typeof RING_SPECS;
export const RING_NAMES = Object.keys(RING_SPECS) as RingName[];

export type EngineMode = 'live' | 'replay';

export interface EngineWiring {
  readonly mode: EngineMode;
  readonly config: Config;
  readonly symbols: readonly string[];
  /** SQLite file, or ':memory:'. */
  readonly dbPath: string;
  /** Replay: the recording to read. */
  readonly replayFile?: string;
  /**
   * Live: positions, open orders and ids read from the database before any thread
   * started, so the broker resumes them and new ids continue where the last run stopped.
   */
  readonly restored?: BrokerRestoreState;
  readonly control: SharedArrayBuffer;
  readonly shared: SharedArrayBuffer;
  readonly snapshots: SharedArrayBuffer;
  readonly rings: Readonly<Record<RingName, SharedArrayBuffer>>;
  /** Replay in the window: the pace the recording's reader keeps (replay-clock.ts). */
  readonly replayClock?: SharedArrayBuffer;
}

export function createWiring(options: {
  mode: EngineMode;
  config: Config;
  dbPath: string;
  replayFile?: string;
  restored?: BrokerRestoreState;
  replayClock?: SharedArrayBuffer;
}): EngineWiring {
  const { config } = options;
  const symbols = config.strategy.symbols;
  const capacity = roundUpToPowerOfTwo(config.engine.ring_capacity);
  const control = ControlBlock.create({ symbols, ringNames: RING_NAMES });
  control.writeParams(config.strategy.params, config.strategy.risk_limits);
  const rings = {} as Record<RingName, SharedArrayBuffer>;
  for (const name of RING_NAMES)
    rings[name] = SpscRing.create(RING_SPECS[name].slots, capacity).buffer;
  return {
    mode: options.mode,
    config,
    symbols,
    dbPath: options.dbPath,
    ...(options.replayFile === undefined ? {} : { replayFile: options.replayFile }),
    ...(options.restored === undefined ? {} : { restored: options.restored }),
    ...(options.replayClock === undefined ? {} : { replayClock: options.replayClock }),
    control: control.buffer,
    shared: EngineShared.create(symbols.length, (options.restored?.maxStrategyOrderId ?? 0) + 1)
      .buffer,
    snapshots: MarketSnapshots.create(symbols.length).buffer,
    rings,
  };
}
