import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command, CommandAck, EngineState, ReplaySpeed } from '../../shared/api.js';
import type { Config } from '../../shared/config.js';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import type { ReplaySummary } from '../engine/process/replay-runner.js';
import { analyseReplayRun, writeReplayReport } from '../engine/report/build-report.js';
import { createCommandRouter, type CommandRouter } from './command-router.js';
import { asEngineMessage, type EngineChild, type ForkEngine } from './engine-child.js';
import type { HostLogger } from './logger.js';
import { recordingSpan } from './recording-catalog.js';
import { prepareReplaySource } from './replay-source.js';

/**
 * Replay in the window: a SECOND engine process, the same engine code in replay mode,
 * reading a recording at the trader's pace into a database of its own (one per run,
 * under <data dir>/replays, never the live one). While it runs the window sees its state
 * instead of the live engine's, and the trader's commands (kill switch, parameters,
 * orders) go to it; the live engine runs on untouched. Leaving the replay stops the
 * replay engine and hands the window back to the live state.
 */
export interface ReplaySessionOptions {
  readonly fork: ForkEngine;
  readonly enginePath: string;
  readonly dataDir: string;
  readonly logger: HostLogger;
  readonly engineEnv?: NodeJS.ProcessEnv;
  readonly engineExecArgv?: readonly string[];
  /** The state to show the window (the host stamps and fans it out). */
  readonly publish: (state: EngineState) => void;
  /** The replay ended (the trader left it, or its engine failed to start). */
  readonly onEnd: () => void;
}

interface ReplayRun {
  readonly runId: number;
  readonly name: string;
  readonly file: string;
  readonly dbPath: string;
  readonly config: Config;
}

export interface ReplaySession {
  readonly active: boolean;
  start(name: string, file: string, speed: ReplaySpeed, config: Config): Promise<CommandAck>;
  control(action: 'play' | 'pause' | 'step'): CommandAck;
  setSpeed(speed: ReplaySpeed): CommandAck;
  /** A trading command for the replay engine. */
  send(command: Command): Promise<CommandAck>;
  report(): Promise<CommandAck>;
  stop(): Promise<CommandAck>;
}

const STOP_TIMEOUT_MS = 5000;

/** A file-name-safe stamp for this run's database and report. */
const stamp = (runId: number): string =>
  `${new Date().toISOString().replace(/[:.]/g, '-')}-${runId}`;

export function createReplaySession(options: ReplaySessionOptions): ReplaySession {
  const log = options.logger.child({ component: 'replay' });
  let runs = 0;
  let run: ReplayRun | null = null;
  let child: EngineChild | null = null;
  let router: CommandRouter | null = null;
  let ready = false;
  let span = { firstTsUs: 0, lastTsUs: 0 };
  let summary: ReplaySummary | null = null;
  let reportPath: string | undefined;
  let lastState: EngineState | null = null;
  let exited: Promise<void> = Promise.resolve();

  const decorate = (state: EngineState): EngineState => {
    if (run === null) return state;
    const progress = state.replay;
    return {
      ...state,
      replay: {
        runId: run.runId,
        file: run.name,
        speed: progress?.speed ?? 0,
        paused: progress?.paused ?? false,
        firstTsUs: span.firstTsUs || (progress?.firstTsUs ?? 0),
        tsUs: progress?.tsUs ?? 0,
        lastTsUs: span.lastTsUs,
        bookUpdates: progress?.bookUpdates ?? 0,
        finished: summary !== null,
        ...(reportPath !== undefined ? { reportPath } : {}),
      },
    };
  };

  const republish = (): void => {
    if (lastState !== null) options.publish(decorate(lastState));
  };

  const sendToChild = (message: HostToEngine): boolean => {
    if (child === null) return false;
    child.send(message);
    return true;
  };

  const end = (): void => {
    run = null;
    child = null;
    router = null;
    ready = false;
    summary = null;
    reportPath = undefined;
    lastState = null;
    options.onEnd();
  };

  const startRun = async (
    name: string,
    original: string,
    speed: ReplaySpeed,
    config: Config,
  ): Promise<CommandAck> => {
    if (run !== null) await stopRun();
    const runId = ++runs;
    const dir = path.join(options.dataDir, 'replays');
    mkdirSync(dir, { recursive: true });
    const base = path.basename(name).replace(/(\.jsonl)?(\.gz)?$/i, '');
    const dbPath = path.join(dir, `${base}-${stamp(runId)}.sqlite`);
    let file = original;
    let symbols = config.strategy.symbols;
    try {
      const source = await prepareReplaySource(original, dbPath.replace(/\.sqlite$/, ''));
      file = source.file;
      if (source.symbol !== undefined && !symbols.includes(source.symbol))
        symbols = [source.symbol];
      span = await recordingSpan(file);
    } catch (error) {
      return { ok: false, reason: `cannot replay ${name}: ${(error as Error).message}` };
    }
    // The replay never takes the live engine's metrics port or database.
    const replayConfig: Config = {
      ...config,
      strategy: { ...config.strategy, symbols },
      metrics: { ...config.metrics, port: 0 },
    };
    run = { runId, name, file, dbPath, config: replayConfig };
    const engine = options.fork(options.enginePath, {
      env: options.engineEnv ?? process.env,
      ...(options.engineExecArgv ? { execArgv: options.engineExecArgv } : {}),
    });
    child = engine;
    router = createCommandRouter({
      sendToEngine: (message) => sendToChild(message),
      engineUnavailable: () =>
        child !== engine ? 'the replay has ended' : ready ? null : 'the replay engine is starting',
    });
    const readyOrFailed = new Promise<CommandAck>((resolve) => {
      engine.onMessage((raw) => {
        if (child !== engine) return;
        const message = asEngineMessage(raw);
        if (message === null) return;
        switch (message.kind) {
          case 'ready':
            ready = true;
            resolve({ ok: true, detail: `replaying ${name}; database ${dbPath}` });
            break;
          case 'state':
            lastState = message.state;
            options.publish(decorate(message.state));
            break;
          case 'ack':
            router?.handleAck(message.id, message.ack);
            break;
          case 'replayDone':
            summary = message.summary as unknown as ReplaySummary;
            log.info({ file, summary }, 'replay reached the end of the recording');
            republish();
            break;
          case 'fatal':
            log.error({ error: message.error }, 'the replay engine failed');
            resolve({ ok: false, reason: `the replay engine failed: ${message.error}` });
            break;
          case 'log':
            log[message.level](message.data ?? {}, `replay engine: ${message.msg}`);
            break;
          default:
            // configChanged: a live edit in a replay stays in the replay, never in the TOML.
            break;
        }
      });
      exited = new Promise<void>((resolveExit) =>
        engine.onExit((code) => {
          resolveExit();
          if (child !== engine) return;
          router?.refuseAllPending('the replay engine stopped');
          resolve({ ok: false, reason: `the replay engine exited (code ${code})` });
          log.warn({ code }, 'the replay engine exited');
        }),
      );
    });
    engine.send({
      kind: 'start',
      config: replayConfig,
      dataDir: options.dataDir,
      replay: { file, dbPath, speed, paused: false },
    });
    const ack = await readyOrFailed;
    if (!ack.ok && child === engine) {
      engine.kill('SIGKILL');
      end();
    }
    return ack;
  };

  const stopRun = async (): Promise<CommandAck> => {
    if (run === null) return { ok: true, detail: 'not replaying' };
    const engine = child;
    const gone = exited;
    end();
    if (engine !== null) {
      engine.send({ kind: 'shutdown' });
      const timer = setTimeout(() => engine.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
    }
    return { ok: true, detail: 'back to the live market' };
  };

  // Starts and stops run one at a time: a double-clicked Play must not start two engines.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work, work);
    turn = result.catch(() => undefined);
    return result;
  };

  const session: ReplaySession = {
    get active() {
      return run !== null;
    },

    start: (name, original, speed, config) => inTurn(() => startRun(name, original, speed, config)),
    stop: () => inTurn(stopRun),
    control(action) {
      if (run === null) return { ok: false, reason: 'no replay is running; press Play first' };
      if (summary !== null && action !== 'pause')
        return { ok: false, reason: 'the replay has reached the end of its recording' };
      sendToChild({ kind: 'replayControl', action });
      return { ok: true, detail: action === 'step' ? 'one book update' : action };
    },

    setSpeed(speed) {
      if (run === null) return { ok: true, detail: 'speed for the next replay' };
      sendToChild({ kind: 'replayControl', action: 'speed', speed });
      return { ok: true, detail: speed === 0 ? 'max speed' : `${speed}×` };
    },

    send(command) {
      if (router === null) return Promise.resolve({ ok: false, reason: 'no replay is running' });
      return router.send(command);
    },

    async report() {
      if (run === null) return { ok: false, reason: 'no replay to report on' };
      if (summary === null)
        return { ok: false, reason: 'the replay has not reached the end of its recording yet' };
      const current = run;
      const dir = path.join(options.dataDir, 'reports');
      mkdirSync(dir, { recursive: true });
      const outPath = path.join(dir, `${path.basename(current.dbPath, '.sqlite')}.html`);
      try {
        const analysed = await analyseReplayRun(
          current.file,
          current.config,
          current.dbPath,
          summary,
        );
        await writeReplayReport({
          outPath,
          dataFile: current.file,
          config: current.config,
          summary,
          run: analysed,
        });
      } catch (error) {
        return {
          ok: false,
          reason: `the report could not be written: ${(error as Error).message}`,
        };
      }
      if (run === current) {
        reportPath = outPath;
        republish();
      }
      return { ok: true, detail: `report written to ${outPath}` };
    },
  };
  return session;
}
