import type { Config } from '../../shared/config.js';

/**
 * The built-in exchange simulator (main/sim), loaded only when asked for (`--sim`), so the
 * host runs without it and a missing simulator is a clear error rather than a crash at
 * load time.
 */
export interface RunningSimulator {
  readonly port: number;
  /** ws:// base URL for `market.url`. */
  readonly url: string;
  /** http:// base URL for `market.rest_url`. */
  readonly restUrl: string;
  close(): Promise<void> | void;
}

export interface SimulatorStartOptions {
  readonly port: number;
  readonly symbols: readonly string[];
  readonly seed?: number;
}

export type StartSimulator = (options: SimulatorStartOptions) => Promise<RunningSimulator>;

/** The simulator module, main/sim/start-simulator.ts: tsc checks the path and its export. */
type SimulatorModule = Pick<typeof import('../sim/start-simulator.js'), 'startSimulator'>;

/**
 * Imports the built-in simulator. The specifier is the one real module, written once in
 * an `import()` that tsc both checks and compiles; loading it lazily keeps the simulator
 * out of a host that never asks for it. `importModule` is for tests of the missing case.
 */
export async function loadSimulator(
  importModule: () => Promise<SimulatorModule> = () => import('../sim/start-simulator.js'),
): Promise<StartSimulator> {
  try {
    return (await importModule()).startSimulator;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      `the built-in simulator is not available (${(error as Error).message.split('\n')[0]}); ` +
        'build it with `node scripts/build.mjs main`, or run without --sim against an exchange set in [market]',
      { cause: error },
    );
  }
}

/** The config pointed at a running simulator (run-only: the config store never saves it). */
export function pointAtSimulator(config: Config, simulator: RunningSimulator): Config {
  return {
    ...config,
    market: { ...config.market, url: simulator.url, rest_url: simulator.restUrl },
  };
}
