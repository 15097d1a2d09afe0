import { parseFaultSpec, type FaultSpec } from './fault-spec.js';
import { GeneratedSource } from './generated-source.js';
import type { BookLevels, MarketSource } from './market-source.js';
import { ReplaySource, type SimLog } from './replay-source.js';
import { SimServer } from './sim-server.js';

export interface SimulatorOptions {
  /** Default 9443; 0 picks a free port. Always bound to 127.0.0.1. */
  readonly port?: number;
  readonly seed?: number;
  /** Generated mode's symbols (default BTCUSDT, ETHUSDT). */
  readonly symbols?: readonly string[];
  /** Serve this recording instead of generating a market. */
  readonly replay?: string;
  /** Replay speed factor (default 1 = the recording's own pace). */
  readonly speed?: number;
  /** Generated mode: depth diffs a second per symbol, each 100 ms of market time (default 10). */
  readonly rate?: number;
  readonly faults?: string | FaultSpec;
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  readonly maxConnectionMs?: number;
  readonly log?: SimLog;
}

export interface SimulatorHandle {
  readonly port: number;
  /** WebSocket base, e.g. ws://127.0.0.1:9443 (streams at /stream?streams=...). */
  readonly url: string;
  /** REST base, e.g. http://127.0.0.1:9443 (/api/v3/depth). */
  readonly restUrl: string;
  readonly symbols: readonly string[];
  /** Replay mode: resolves when the recording has been sent. */
  readonly finished: Promise<void> | undefined;
  close(): Promise<void>;
  setFaults(faults: string | FaultSpec): void;
  /** Stops and restarts the market (the book stands still meanwhile). */
  pause(): void;
  resume(): void;
  /** The simulator's own whole book for a symbol. */
  book(symbol: string): BookLevels;
  disconnectAll(): void;
  connectionCount(): number;
}

/** Starts the local exchange (generated or replayed) on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const log: SimLog = options.log ?? (() => undefined);
  const faults = typeof options.faults === 'object' ? options.faults : parseFaultSpec(options.faults);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${seed}`);
  let source: MarketSource;
  let finished: Promise<void> | undefined;
  if (options.replay !== undefined) {
    const replay = await ReplaySource.open(options.replay, options.speed ?? 1, log);
    finished = replay.finished;
    source = replay;
  } else {
    const symbols = options.symbols ?? ['BTCUSDT', 'ETHUSDT'];
    if (symbols.length === 0) throw new Error('--symbols needs at least one symbol');
    for (const symbol of symbols) {
      if (!/^[A-Z0-9]{2,20}$/.test(symbol)) throw new Error(`symbol "${symbol}" is not 2–20 upper-case letters or digits (e.g. BTCUSDT)`);
    }
    source = new GeneratedSource(symbols, seed, options.rate ?? 10);
  }
  const server = new SimServer(source, {
    host: '127.0.0.1',
    port: options.port ?? 9443,
    seed,
    faults,
    pingIntervalMs: options.pingIntervalMs ?? 20_000,
    pongTimeoutMs: options.pongTimeoutMs ?? 60_000,
    maxConnectionMs: options.maxConnectionMs ?? 24 * 3600_000,
    log,
  });
  try {
    await server.listen();
  } catch (error) {
    source.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${options.port ?? 9443} is already in use; pick another with --port`);
    throw error;
  }
  const port = server.port;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    restUrl: `http://127.0.0.1:${port}`,
    symbols: source.symbols,
    finished,
    close: () => server.close(),
    setFaults: (spec) => server.setFaults(spec),
    pause: () => source.pause(),
    resume: () => source.resume(),
    book: (symbol) => source.book(symbol),
    disconnectAll: () => server.disconnectAll(),
    connectionCount: () => server.connectionCount,
  };
}
