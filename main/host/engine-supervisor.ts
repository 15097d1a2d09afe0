import type { EngineToHost, HostToEngine } from '../../shared/engine-protocol.js';
import { asEngineMessage, type EngineChild, type ForkEngine } from './engine-child.js';
import type { HostLogger } from './logger.js';
import { Backoff, type BackoffPolicy } from '../../shared/backoff.js';
import { isLogLevel } from '../../shared/log.js';

/**
 * Runs the engine process and keeps it running. The engine crashing must never take the
 * window down (DESIGN.md §1): an unexpected exit is logged, and after a backoff the engine
 * is started again with a `restartReason`, so it comes back with the kill switch ON and
 * says why, until the trader re-arms it.
 */

export type EnginePhase = 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping';

/**
 * How long to wait before restarting a crashed engine: 0.5 s doubling to 10 s, so a crash
 * loop neither spins the machine nor leaves the trader waiting long after a one-off crash.
 * An engine that ran for a stable minute earns a fresh start at 0.5 s.
 */
export interface RestartPolicy extends BackoffPolicy {
  /** A run at least this long resets the doubling. */
  readonly stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialMs: 500,
  maxMs: 10_000,
  stableMs: 60_000,
};

export interface EngineStatus {
  readonly phase: EnginePhase;
  /** Restarts after unexpected exits since the supervisor was started (for the health bar). */
  readonly restarts: number;
  readonly pid: number | null;
  readonly metricsPort: number | null;
  /** Why the last run ended, when it ended unexpectedly. */
  readonly lastFailure: string | null;
  /** Delay before the pending restart, while `phase` is `restarting`. */
  readonly restartInMs: number | null;
  /**
   * True once the supervisor stopped retrying: the same failure repeated
   * `maxIdenticalFailures` times (e.g. a database that cannot be opened). `lastFailure`
   * says why; only a new `start()` tries again.
   */
  readonly gaveUp: boolean;
}

/** Timer functions, injectable so restart timing is tested without waiting. */
export interface SupervisorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface EngineSupervisorOptions {
  readonly fork: ForkEngine;
  readonly enginePath: string;
  /** Builds the 'start' message; called for every (re)start so it carries the latest config. */
  readonly startMessage: (
    restartReason: string | undefined,
  ) => Extract<HostToEngine, { kind: 'start' }>;
  readonly logger: HostLogger;
  readonly env?: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
  readonly backoff?: RestartPolicy;
  /** How long a clean stop waits for 'stopped' and the exit before killing. */
  readonly shutdownTimeoutMs?: number;
  /** An engine that has not said 'ready' by then is killed (and restarted). */
  readonly readyTimeoutMs?: number;
  /**
   * Restarts stop after this many consecutive runs failed with the same reason before
   * they were up or by a fatal error of their own (default 3). A kill from outside
   * (a signal) never counts: each is a fresh crash worth a restart.
   */
  readonly maxIdenticalFailures?: number;
  readonly clock?: SupervisorClock;
}

export interface EngineSupervisor {
  /** Starts the engine; resolves on its first 'ready', rejects if that first run ends before it. */
  start(): Promise<void>;
  /** Clean stop: 'shutdown', wait for 'stopped' and the exit, kill after the timeout. No restart. */
  stop(): Promise<void>;
  /** Sends to the running engine; false (and nothing sent) when it is not running. */
  send(message: HostToEngine): boolean;
  onMessage(listener: (message: EngineToHost) => void): () => void;
  onStatus(listener: (status: EngineStatus) => void): () => void;
  status(): EngineStatus;
}

interface Run {
  readonly child: EngineChild;
  readonly startedAt: number;
  ready: boolean;
  exited: boolean;
  /** Set when the engine reported why it is about to die. */
  fatal: string | null;
  readyTimer: unknown;
  killTimer: unknown;
  readonly exitWaiters: Array<() => void>;
}

/**
 * The first line of an error, capped: the restart reason is shown in the window and stored
 * with the kill-switch event, where a stack trace does not belong (the log keeps it).
 */
function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `the engine process was killed by ${signal}`;
  return `the engine process exited with code ${code ?? 'unknown'}`;
}

export function createEngineSupervisor(options: EngineSupervisorOptions): EngineSupervisor {
  const clock = options.clock ?? realClock;
  const log = options.logger.child({ component: 'engine-supervisor' });
  const restartPolicy = options.backoff ?? DEFAULT_RESTART_POLICY;
  const backoff = new Backoff(restartPolicy);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const maxIdenticalFailures = options.maxIdenticalFailures ?? 3;
  const messageListeners = new Set<(message: EngineToHost) => void>();
  const statusListeners = new Set<(status: EngineStatus) => void>();

  let phase: EnginePhase = 'stopped';
  let restarts = 0;
  let metricsPort: number | null = null;
  let lastFailure: string | null = null;
  let restartInMs: number | null = null;
  let gaveUp = false;
  const repeats = new RepeatedFailures();
  let restartTimer: unknown = null;
  let run: Run | null = null;
  let firstStart: { resolve: () => void; reject: (error: Error) => void } | null = null;

  const status = (): EngineStatus => ({
    phase,
    restarts,
    pid: run && !run.exited ? (run.child.pid ?? null) : null,
    metricsPort,
    lastFailure,
    restartInMs,
    gaveUp,
  });

  const publishStatus = (): void => {
    const snapshot = status();
    for (const listener of statusListeners) {
      try {
        listener(snapshot);
      } catch (error) {
        log.error({ err: error }, 'an engine status listener threw');
      }
    }
  };

  const setPhase = (next: EnginePhase): void => {
    phase = next;
    publishStatus();
  };

  const routeOutput = (
    stream: 'stdout' | 'stderr',
    text: string,
    pid: number | undefined,
  ): void => {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      // stderr carries what the engine could not say over the protocol (uncaught
      // exceptions, native crashes), so it is a warning, not chatter.
      if (stream === 'stderr') log.warn({ engine: true, enginePid: pid, stream }, line);
      else log.info({ engine: true, enginePid: pid, stream }, line);
    }
  };

  const handleMessage = (current: Run, raw: unknown): void => {
    if (run !== current) return;
    const message = asEngineMessage(raw);
    if (!message) {
      log.warn(
        { received: typeof raw },
        'the engine sent a message the host does not understand; ignored',
      );
      return;
    }
    switch (message.kind) {
      case 'ready':
        if (!current.ready) {
          current.ready = true;
          clock.clearTimeout(current.readyTimer);
          metricsPort = typeof message.metricsPort === 'number' ? message.metricsPort : null;
          log.info({ enginePid: current.child.pid, metricsPort }, 'engine ready');
          if (phase === 'starting') setPhase('running');
          firstStart?.resolve();
          firstStart = null;
        }
        break;
      case 'log': {
        const level = isLogLevel(message.level) ? message.level : 'info';
        log[level](
          { engine: true, enginePid: current.child.pid, ...(message.data ?? {}) },
          String(message.msg),
        );
        break;
      }
      case 'fatal':
        current.fatal = String(message.error);
        log.error({ enginePid: current.child.pid }, `engine fatal error: ${current.fatal}`);
        // The engine should exit on its own after a fatal; one that hangs is killed so
        // the restart logic can take over.
        armKill(current, 'did not exit after reporting a fatal error');
        break;
      case 'stopped':
        log.info({ enginePid: current.child.pid }, 'engine stopped');
        break;
      default:
        break;
    }
    for (const listener of messageListeners) {
      try {
        listener(message);
      } catch (error) {
        log.error({ err: error, kind: message.kind }, 'an engine message listener threw');
      }
    }
  };

  const armKill = (current: Run, why: string): void => {
    if (current.killTimer !== null || current.exited) return;
    current.killTimer = clock.setTimeout(() => {
      if (current.exited) return;
      log.warn(
        { enginePid: current.child.pid },
        `engine ${why} within ${shutdownTimeoutMs} ms; killing it`,
      );
      current.child.kill('SIGKILL');
    }, shutdownTimeoutMs);
  };

  const handleExit = (current: Run, code: number | null, signal: string | null): void => {
    if (current.exited) return;
    current.exited = true;
    clock.clearTimeout(current.readyTimer);
    clock.clearTimeout(current.killTimer);
    for (const waiter of current.exitWaiters.splice(0)) waiter();
    if (run !== current) return;
    run = null;
    metricsPort = null;
    if (phase === 'stopping' || phase === 'stopped') {
      log.info({ code, signal }, 'engine exited');
      setPhase('stopped');
      return;
    }
    const why = current.fatal
      ? `the engine stopped after a fatal error: ${firstLine(current.fatal)}`
      : !current.ready
        ? `${describeExit(code, signal)} before it was ready`
        : `${describeExit(code, signal)} unexpectedly`;
    lastFailure = why;
    if (firstStart) {
      // The very first run never came up: a restart loop would only repeat the failure
      // (bad config, missing module), so the caller gets the reason instead.
      const pending = firstStart;
      firstStart = null;
      log.error({ code, signal }, why);
      setPhase('stopped');
      pending.reject(new Error(why));
      return;
    }
    // A failure the engine reports itself, or one before it was up, repeats the same way
    // on every restart (a database that cannot be opened): retrying forever only hides it.
    const repeated = repeats.count(current.fatal !== null || !current.ready ? why : null);
    if (repeated >= maxIdenticalFailures) {
      gaveUp = true;
      lastFailure = `the engine is not running: it failed ${repeated} times in a row with the same error, so it is not restarted again — ${why}`;
      log.error({ code, signal, failures: repeated }, lastFailure);
      setPhase('stopped');
      return;
    }
    if (clock.now() - current.startedAt >= restartPolicy.stableMs) backoff.reset();
    const delay = backoff.nextDelayMs();
    log.error({ code, signal, restartInMs: delay }, `${why}; restarting with the kill switch on`);
    restartInMs = delay;
    setPhase('restarting');
    restartTimer = clock.setTimeout(() => {
      restartTimer = null;
      restartInMs = null;
      if (phase !== 'restarting') return;
      restarts++;
      launch(why);
    }, delay);
  };

  const launch = (restartReason: string | undefined): void => {
    let child: EngineChild;
    try {
      child = options.fork(options.enginePath, {
        env: options.env ?? process.env,
        ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      });
    } catch (error) {
      // A fork that throws is an exit that never started; route it the same way.
      const fake: Run = newRun({
        send: () => undefined,
        onMessage: () => undefined,
        onExit: () => undefined,
        kill: () => undefined,
      });
      run = fake;
      setPhase('starting');
      fake.fatal = `could not start the engine process: ${error instanceof Error ? error.message : String(error)}`;
      handleExit(fake, null, null);
      return;
    }
    const current = newRun(child);
    run = current;
    child.onMessage((message) => handleMessage(current, message));
    child.onExit((code, signal) => handleExit(current, code, signal));
    child.onOutput?.((stream, text) => routeOutput(stream, text, child.pid));
    current.readyTimer = clock.setTimeout(() => {
      if (current.ready || current.exited) return;
      current.fatal = `the engine did not report ready within ${readyTimeoutMs} ms`;
      log.error({ enginePid: child.pid }, `${current.fatal}; killing it`);
      child.kill('SIGKILL');
    }, readyTimeoutMs);
    setPhase('starting');
    log.info(
      { enginePid: child.pid, restartReason },
      restartReason ? 'restarting the engine' : 'starting the engine',
    );
    try {
      child.send(options.startMessage(restartReason));
    } catch (error) {
      current.fatal = `could not send the start message: ${error instanceof Error ? error.message : String(error)}`;
      log.error({ enginePid: child.pid }, current.fatal);
      child.kill('SIGKILL');
    }
  };

  const newRun = (child: EngineChild): Run => ({
    child,
    startedAt: clock.now(),
    ready: false,
    exited: false,
    fatal: null,
    readyTimer: null,
    killTimer: null,
    exitWaiters: [],
  });

  return {
    start() {
      if (phase !== 'stopped') return Promise.reject(new Error(`the engine is already ${phase}`));
      backoff.reset();
      repeats.reset();
      lastFailure = null;
      gaveUp = false;
      return new Promise<void>((resolve, reject) => {
        firstStart = { resolve, reject };
        launch(undefined);
      });
    },

    async stop() {
      if (restartTimer !== null) {
        clock.clearTimeout(restartTimer);
        restartTimer = null;
        restartInMs = null;
      }
      const current = run;
      if (!current) {
        if (phase !== 'stopped') setPhase('stopped');
        return;
      }
      if (firstStart) {
        firstStart.reject(new Error('the engine was stopped before it was ready'));
        firstStart = null;
      }
      setPhase('stopping');
      const exited = new Promise<void>((resolve) => current.exitWaiters.push(resolve));
      try {
        current.child.send({ kind: 'shutdown' });
      } catch (error) {
        log.warn({ err: error }, 'could not send shutdown to the engine; killing it');
        current.child.kill('SIGKILL');
      }
      armKill(current, 'did not stop');
      await exited;
    },

    send(message) {
      const current = run;
      if (!current || !current.ready || current.exited || phase !== 'running') return false;
      try {
        current.child.send(message);
        return true;
      } catch (error) {
        log.warn({ err: error }, 'sending to the engine failed');
        return false;
      }
    },

    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },

    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },

    status,
  };
}

/** Counts how many failures in a row had the same reason; null (a different kind of end) resets. */
class RepeatedFailures {
  private last: string | null = null;
  private streak = 0;

  count(reason: string | null): number {
    if (reason === null) {
      this.reset();
      return 0;
    }
    this.streak = reason === this.last ? this.streak + 1 : 1;
    this.last = reason;
    return this.streak;
  }

  reset(): void {
    this.last = null;
    this.streak = 0;
  }
}
