/**
 * Shared helpers for the host's tests: a logger that captures what it writes, the fake
 * engine's path, a fork that records what the host sent, and polling with a deadline.
 */
import path from 'node:path';
import { pino } from 'pino';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import type { ForkEngine } from '../../main/host/engine-child.js';
import { forkNodeEngine } from '../../main/host/node-fork.js';
import type { HostLogger } from '../../main/host/logger.js';

export const FAKE_ENGINE_PATH = path.join(__dirname, 'host-fake-engine.js');

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export function captureLogger(): { logger: HostLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (text: string) => void lines.push(JSON.parse(text) as LogLine) },
  );
  return { logger, lines };
}

/** The Node fork, plus a record of every message the host sent to any engine it started. */
export function recordingFork(): { fork: ForkEngine; sent: HostToEngine[]; pids: number[] } {
  const sent: HostToEngine[] = [];
  const pids: number[] = [];
  const fork: ForkEngine = (modulePath, options) => {
    const child = forkNodeEngine(modulePath, options);
    if (child.pid !== undefined) pids.push(child.pid);
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        sent.push(message);
        child.send(message);
      },
      onMessage: (listener) => child.onMessage(listener),
      onExit: (listener) => child.onExit(listener),
      onOutput: (listener) => child.onOutput?.(listener),
      kill: (signal) => child.kill(signal),
    };
  };
  return { fork, sent, pids };
}

/**
 * Resolves once `check` returns a value other than undefined/null/false; rejects with
 * `what` after the deadline. null counts as "not yet" because the host's getters
 * (`latestState()`) say "nothing yet" with null: accepting it made `waitFor('a first
 * state', () => host.latestState())` return at once, before any state existed.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function fakeEngineEnv(modes: string): NodeJS.ProcessEnv {
  return { ...process.env, FAKE_ENGINE: modes };
}
