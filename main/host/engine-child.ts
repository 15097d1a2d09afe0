import type { EngineToHost, HostToEngine } from '../../shared/engine-protocol.js';

/**
 * The engine process as the supervisor sees it, whatever started it: a Node child process
 * (headless) or an Electron utility process. The fork function is injected so the
 * supervisor is the same code in both and can be tested with plain Node children.
 */
export interface EngineChild {
  send(message: HostToEngine): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** The child's stdout/stderr text, for the host's logger (absent if the adapter cannot pipe). */
  onOutput?(listener: (stream: 'stdout' | 'stderr', text: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
  readonly pid?: number;
}

export interface ForkEngineOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
}

export type ForkEngine = (modulePath: string, options: ForkEngineOptions) => EngineChild;

const ENGINE_KINDS = new Set([
  'ready',
  'state',
  'ack',
  'configChanged',
  'log',
  'fatal',
  'stopped',
  'replayDone',
]);

/**
 * Checks the envelope of an engine message before the host acts on it. The engine is our
 * own code, so only the kind is checked here; each consumer reads the fields it needs.
 */
export function asEngineMessage(message: unknown): EngineToHost | null {
  if (typeof message !== 'object' || message === null) return null;
  const kind = (message as { kind?: unknown }).kind;
  return typeof kind === 'string' && ENGINE_KINDS.has(kind) ? (message as EngineToHost) : null;
}
