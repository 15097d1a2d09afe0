import type { Command, CommandAck, EngineState, ReplaySpeed } from './api.js';
import type { Config } from './config.js';
import type { LogLevel } from './log.js';

/**
 * Messages between the host and the engine process (Electron utility process or Node
 * child process). Structured-clone friendly plain objects; the host validates commands
 * before forwarding, and the engine validates again on arrival (it trusts no transport).
 */
export type HostToEngine =
  | {
      readonly kind: 'start';
      readonly config: Config;
      readonly dataDir: string;
      /** Set when the host restarts a crashed engine: it comes back halted, saying why. */
      readonly restartReason?: string;
      /** How often the host has restarted the engine (shown in the health bar). */
      readonly restarts?: number;
      /**
       * Replay in the window: run this recording (paced) into this database instead of
       * the live market; no metrics endpoint, no restore, nothing of the live engine's.
       */
      readonly replay?: {
        readonly file: string;
        readonly dbPath: string;
        readonly speed: ReplaySpeed;
        readonly paused: boolean;
      };
    }
  | {
      readonly kind: 'replayControl';
      readonly action: 'play' | 'pause' | 'step' | 'speed';
      readonly speed?: ReplaySpeed;
    }
  | { readonly kind: 'command'; readonly id: number; readonly command: Command }
  | { readonly kind: 'shutdown' };

export type EngineToHost =
  | { readonly kind: 'ready'; readonly metricsPort: number }
  | { readonly kind: 'state'; readonly state: EngineState }
  | { readonly kind: 'ack'; readonly id: number; readonly ack: CommandAck }
  /** A validated live edit, so the host persists it to the TOML file. */
  | { readonly kind: 'configChanged'; readonly config: Config }
  | {
      readonly kind: 'log';
      readonly level: LogLevel;
      readonly msg: string;
      readonly data?: Record<string, unknown>;
    }
  | { readonly kind: 'fatal'; readonly error: string }
  /** A replay reached the end of its recording: the same summary as `replay --json`. */
  | { readonly kind: 'replayDone'; readonly summary: Record<string, unknown> }
  | { readonly kind: 'stopped' };
