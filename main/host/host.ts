import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command, CommandAck, EngineState, ReplaySpeed } from '../../shared/api.js';
import type { Config } from '../../shared/config.js';
import type { EngineToHost, HostToEngine } from '../../shared/engine-protocol.js';
import { createCommandRouter, validateCommand } from './command-router.js';
import { createConfigStore, resolvePersistencePath } from './config-store.js';
import type { ForkEngine } from './engine-child.js';
import {
  createEngineSupervisor,
  type EngineStatus,
  type RestartPolicy,
} from './engine-supervisor.js';
import { createLatestFanout } from './latest-fanout.js';
import type { HostLogger } from './logger.js';
import { defaultSampleRecording, listRecordings } from './recording-catalog.js';
import { createReplaySession } from './replay-session.js';

/**
 * The host: engine supervisor + command router + config store + state fan-out behind one
 * small facade, used the same way by Electron main and by the headless server. Neither
 * transport knows about processes, ids or files.
 */

export interface HostOptions {
  readonly fork: ForkEngine;
  readonly enginePath: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly logger: HostLogger;
  /** Run-only changes to the config the engine gets (e.g. the simulator's URLs); never saved. */
  readonly configOverrides?: (config: Config) => Config;
  readonly engineEnv?: NodeJS.ProcessEnv;
  readonly engineExecArgv?: readonly string[];
  readonly ackTimeoutMs?: number;
  /** State delivered to each subscriber at most this often (DESIGN.md: ≤ 30 Hz). */
  readonly stateMaxHz?: number;
  readonly backoff?: RestartPolicy;
  readonly shutdownTimeoutMs?: number;
  readonly readyTimeoutMs?: number;
  /** The bundled sample recording offered for replay (default: assets/ beside the build; null: none). */
  readonly sampleRecording?: string | null;
}

export interface Host {
  /** Reads the config (throws ConfigError naming the key) and starts the engine; resolves when it is ready. */
  start(): Promise<void>;
  /** Stops the engine cleanly and waits for pending config writes. */
  stop(): Promise<void>;
  /** Validates and forwards a command from any transport; always resolves with an ack. */
  send(command: unknown): Promise<CommandAck>;
  /** Latest state at ≤ stateMaxHz; the listener gets the current one at once. */
  onState(listener: (state: EngineState) => void): () => void;
  latestState(): EngineState | null;
  onEngineStatus(listener: (status: EngineStatus) => void): () => void;
  engineStatus(): EngineStatus;
  /** The configuration the engine runs with (live edits included). */
  config(): Config;
  onConfig(listener: (config: Config) => void): () => void;
  /**
   * Replays a file the trader chose outside the window (Electron's native open dialog):
   * a trusted path from the app itself, never from a page.
   */
  replayFile(file: string, speed: ReplaySpeed): Promise<CommandAck>;
}

export function createHost(options: HostOptions): Host {
  const log = options.logger.child({ component: 'host' });
  const store = createConfigStore(options.configPath);
  const dataDir = path.resolve(options.dataDir);
  const states = createLatestFanout<EngineState>({
    maxHz: options.stateMaxHz ?? 30,
    onListenerError: (error) => log.error({ err: error }, 'a state listener threw'),
  });
  const configListeners = new Set<(config: Config) => void>();
  let running: Config | null = null;
  const sample =
    options.sampleRecording === undefined ? defaultSampleRecording() : options.sampleRecording;
  let recordings = listRecordings(dataDir, sample);
  // One sequence for every state the window gets, live or replay: two engines each count
  // from 1, and the window orders states by this number.
  let published = 0;
  let lastLive: EngineState | null = null;
  const publishState = (state: EngineState): void => {
    states.publish({
      ...state,
      seq: ++published,
      health: { ...state.health, restarts: supervisor.status().restarts },
      recordings: recordings.map((r) => r.name),
    });
  };
  const replay = createReplaySession({
    fork: options.fork,
    enginePath: options.enginePath,
    dataDir,
    logger: options.logger,
    ...(options.engineEnv ? { engineEnv: options.engineEnv } : {}),
    ...(options.engineExecArgv ? { engineExecArgv: options.engineExecArgv } : {}),
    publish: publishState,
    // Back to the live market: its latest state at once, as it is now.
    onEnd: () => {
      if (lastLive !== null) publishState(lastLive);
    },
  });

  const runningConfig = (): Config => {
    if (running === null)
      throw new Error('the host has not been started; its configuration is not loaded yet');
    return running;
  };

  const supervisor = createEngineSupervisor({
    fork: options.fork,
    enginePath: options.enginePath,
    logger: options.logger,
    startMessage: (restartReason): Extract<HostToEngine, { kind: 'start' }> => ({
      kind: 'start',
      config: runningConfig(),
      dataDir,
      ...(restartReason ? { restartReason } : {}),
      restarts: supervisor.status().restarts,
    }),
    ...(options.engineEnv ? { env: options.engineEnv } : {}),
    ...(options.engineExecArgv ? { execArgv: options.engineExecArgv } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.shutdownTimeoutMs !== undefined
      ? { shutdownTimeoutMs: options.shutdownTimeoutMs }
      : {}),
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  });

  const unavailable = (): string | null => {
    const status = supervisor.status();
    switch (status.phase) {
      case 'running':
        return null;
      case 'starting':
        return status.restarts > 0
          ? 'the engine is restarting after a failure'
          : 'the engine is starting';
      case 'restarting':
        return `the engine is restarting after a failure (${status.lastFailure ?? 'unknown cause'}); it comes back with the kill switch on`;
      default:
        return status.gaveUp && status.lastFailure !== null
          ? status.lastFailure
          : 'the engine is stopped';
    }
  };

  const router = createCommandRouter({
    sendToEngine: (message) => supervisor.send(message),
    engineUnavailable: unavailable,
    ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
  });

  const publishConfig = (config: Config): void => {
    for (const listener of configListeners) {
      try {
        listener(config);
      } catch (error) {
        log.error({ err: error }, 'a config listener threw');
      }
    }
  };

  const onEngineMessage = (message: EngineToHost): void => {
    switch (message.kind) {
      case 'state':
        // A child's last queued messages can arrive after its exit was seen: a state from
        // an engine that is no longer running must not mark the window alive again.
        if (supervisor.status().phase !== 'running') break;
        // The host counts restarts (the engine cannot), so it is stamped on every state.
        // While the window shows a replay the live state is kept, not shown.
        lastLive = message.state;
        if (!replay.active) publishState(message.state);
        break;
      case 'ack':
        router.handleAck(message.id, message.ack);
        break;
      case 'configChanged':
        running = message.config;
        publishConfig(message.config);
        store.persistLiveEdit(message.config).then(
          () => log.info({ file: store.path }, 'live edit saved to the config file'),
          (error: unknown) =>
            log.error(
              { err: error, file: store.path },
              'could not save the live edit to the config file',
            ),
        );
        break;
      default:
        break;
    }
  };
  supervisor.onMessage(onEngineMessage);

  supervisor.onStatus((status) => {
    if (status.phase === 'running') return;
    router.refuseAllPending(
      status.phase === 'stopping' || status.phase === 'stopped'
        ? 'the engine was stopped before it acknowledged the command'
        : 'the engine stopped before it acknowledged the command; it restarts with the kill switch on — check the window',
    );
    // The window keeps showing the last state, marked as not running, rather than a
    // frozen picture that looks alive. seq + 1 so it supersedes that last state.
    // When the supervisor gave up, the kill-switch line says why nothing runs.
    if (lastLive && (lastLive.engineRunning || status.gaveUp)) {
      lastLive = {
        ...lastLive,
        engineRunning: false,
        ...(status.gaveUp && status.lastFailure !== null
          ? {
              killSwitch: {
                state: 'HALTED' as const,
                reason: status.lastFailure,
                source: 'engine' as const,
                changedUs: Date.now() * 1000,
                // Nothing runs that could still trade.
                settled: true,
              },
            }
          : {}),
      };
      if (!replay.active) publishState(lastLive);
    }
  });

  return {
    async start() {
      await fs.mkdir(dataDir, { recursive: true });
      const fileConfig = await store.load();
      const overridden = options.configOverrides ? options.configOverrides(fileConfig) : fileConfig;
      running = {
        ...overridden,
        persistence: {
          ...overridden.persistence,
          path: resolvePersistencePath(overridden, dataDir),
        },
      };
      log.info(
        { configFile: store.path, dataDir, database: running.persistence.path },
        'starting the host',
      );
      publishConfig(running);
      await supervisor.start();
    },

    async stop() {
      await replay.stop();
      await supervisor.stop();
      states.close();
      await store.flush();
    },

    async send(payload) {
      const validated = validateCommand(payload);
      if (!validated.ok) return { ok: false, reason: validated.reason };
      const command: Command = validated.command;
      switch (command.type) {
        case 'replayStart': {
          recordings = listRecordings(dataDir, sample);
          const entry = recordings.find((r) => r.name === command.recording);
          if (entry === undefined)
            return {
              ok: false,
              reason: `no recording named ${command.recording} in ${dataDir} (available: ${recordings.map((r) => r.name).join(', ') || 'none'})`,
            };
          return replay.start(entry.name, entry.path, command.speed, runningConfig());
        }
        case 'replayControl':
          return replay.control(command.action);
        case 'replaySpeed':
          return replay.setSpeed(command.speed);
        case 'replayReport':
          return replay.report();
        case 'replayStop':
          return replay.stop();
        default:
          return replay.active && command.type !== 'subscribe'
            ? replay.send(command)
            : router.send(command);
      }
    },
    replayFile: (file, speed) =>
      replay.start(path.basename(file), path.resolve(file), speed, runningConfig()),
    onState: (listener) => states.subscribe(listener),
    latestState: () => states.latest(),
    onEngineStatus(listener) {
      return supervisor.onStatus(listener);
    },
    engineStatus: () => supervisor.status(),
    config: runningConfig,
    onConfig(listener) {
      configListeners.add(listener);
      return () => configListeners.delete(listener);
    },
  };
}
