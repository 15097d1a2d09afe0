import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Files of dist/main/sim that may export `startSimulator`, most likely first. */
const CANDIDATES = [
  'index.js',
  'simulator.js',
  'start-simulator.js',
  'sim-server.js',
  'exchange-simulator.js',
];

export async function loadSimulator(
  simDir = path.join(__dirname, '..', 'sim'),
): Promise<StartSimulator> {
  for (const name of CANDIDATES) {
    const file = path.join(simDir, name);
    if (!existsSync(file)) continue;
    const loaded = (await import(pathToFileURL(file).href)) as { startSimulator?: unknown };
    if (typeof loaded.startSimulator === 'function') return loaded.startSimulator as StartSimulator;
  }
  throw new Error(
    `the built-in simulator is not available (no startSimulator in ${simDir}: ${CANDIDATES.join(', ')}); ` +
      'build it, or run without --sim against an exchange set in [market]',
  );
}

/** The config pointed at a running simulator (run-only: the config store never saves it). */
export function pointAtSimulator(config: Config, simulator: RunningSimulator): Config {
  return {
    ...config,
    market: { ...config.market, url: simulator.url, rest_url: simulator.restUrl },
  };
}
