import { resolve } from 'node:path';
import { parseCommand } from '../../../shared/api.js';
import { validateConfig, ConfigError } from '../../../shared/config.js';
import type { HostToEngine } from '../../../shared/engine-protocol.js';
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-server.js';
import { asHostMessage, connectHostPort } from './host-port.js';
import { EngineRuntime } from './engine-runtime.js';
import { metricsSourceFor } from './metrics-source.js';
import { ReplayClock } from './replay-clock.js';
import { replaySummaryOf } from './replay-runner.js';
import type { LogFn } from '../../../shared/log.js';

/**
 * The engine process (an Electron utility process, or a Node child process when
 * headless): waits for the host's `start`, runs the engine, answers commands, pushes
 * state at ≤ ui_hz and serves /metrics. It trusts no message: each is validated here.
 */
const port = connectHostPort();
let runtime: EngineRuntime | null = null;
let metrics: MetricsServer | null = null;
let stateTimer: NodeJS.Timeout | null = null;
let stopping = false;
/** Replay in the window: the pace the host controls. */
let replayClock: ReplayClock | null = null;

const log: LogFn = (level, msg, data) =>
  port.send({ kind: 'log', level, msg, ...(data ? { data } : {}) });

async function start(message: Extract<HostToEngine, { kind: 'start' }>): Promise<void> {
  if (runtime) {
    log('warn', 'engine: ignored a second start message');
    return;
  }
  let config;
  try {
    config = validateConfig(message.config);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.problems.join('; ') : String(error);
    port.send({ kind: 'fatal', error: `invalid configuration: ${reason}` });
    process.exit(2);
  }
  if (message.replay) {
    startReplay(config, message.replay);
    return;
  }
  const dbPath = resolve(message.dataDir, config.persistence.path);
  runtime = EngineRuntime.start({
    mode: 'live',
    config,
    dbPath,
    ...(message.restartReason === undefined ? {} : { restartReason: message.restartReason }),
    ...(message.restarts === undefined ? {} : { restarts: message.restarts }),
    log,
    onConfigChanged: (next) => port.send({ kind: 'configChanged', config: next }),
    onFatal: (error) => {
      port.send({ kind: 'fatal', error });
      // Exit so the host restarts a whole engine, halted, from the database.
      setTimeout(() => process.exit(1), 200);
    },
  });
  const engine = runtime;
  metrics = await startMetricsServer(config.metrics.port, metricsSourceFor(engine));
  stateTimer = setInterval(
    () => port.send({ kind: 'state', state: engine.state() }),
    1000 / config.engine.ui_hz,
  );
  port.send({ kind: 'ready', metricsPort: metrics.port });
  log(
    'info',
    `engine started: ${config.strategy.symbols.join(', ')} from ${config.market.url}; database ${dbPath}; metrics on 127.0.0.1:${metrics.port}`,
  );
}

/**
 * A replay for the window: the same engine on a recording, paced by the host's clock,
 * into its own database. No metrics endpoint (the live engine owns the port). When the
 * recording ends it reports the summary and stays up, so the window keeps the final
 * picture until the trader leaves the replay.
 */
function startReplay(
  config: ReturnType<typeof validateConfig>,
  replay: NonNullable<Extract<HostToEngine, { kind: 'start' }>['replay']>,
): void {
  replayClock = ReplayClock.create(replay.speed, replay.paused);
  const engine = EngineRuntime.start({
    mode: 'replay',
    config,
    dbPath: replay.dbPath,
    replayFile: replay.file,
    replayClock,
    log,
    onFatal: (error) => {
      port.send({ kind: 'fatal', error });
      setTimeout(() => process.exit(1), 200);
    },
  });
  runtime = engine;
  stateTimer = setInterval(
    () => port.send({ kind: 'state', state: engine.state() }),
    1000 / config.engine.ui_hz,
  );
  port.send({ kind: 'ready', metricsPort: 0 });
  engine.whenFinished().then(
    (done) => {
      port.send({ kind: 'state', state: engine.state() });
      port.send({ kind: 'replayDone', summary: { ...replaySummaryOf(engine, done) } });
    },
    () => undefined, // a failure was reported through onFatal
  );
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (stateTimer) clearInterval(stateTimer);
  try {
    await runtime?.stop();
    await metrics?.close();
  } finally {
    port.send({ kind: 'stopped' });
    setTimeout(() => process.exit(code), 50);
  }
}

port.onMessage((raw) => {
  const message = asHostMessage(raw);
  if (!message) {
    log('warn', 'engine: ignored a malformed message from the host');
    return;
  }
  switch (message.kind) {
    case 'start':
      start(message).catch((error: unknown) => {
        port.send({
          kind: 'fatal',
          error: `engine failed to start: ${error instanceof Error ? error.message : String(error)}`,
        });
        setTimeout(() => process.exit(1), 100);
      });
      break;
    case 'command': {
      const parsed = parseCommand(message.command);
      const ack = !parsed.ok
        ? { ok: false as const, reason: parsed.reason }
        : runtime
          ? runtime.command(parsed.command)
          : { ok: false as const, reason: 'the engine is still starting' };
      port.send({ kind: 'ack', id: message.id, ack });
      if (parsed.ok && parsed.command.type === 'subscribe' && runtime)
        port.send({ kind: 'state', state: runtime.state() });
      break;
    }
    case 'shutdown':
      void shutdown(0);
      break;
    case 'replayControl':
      if (replayClock === null) break;
      if (message.action === 'play') replayClock.setPaused(false);
      else if (message.action === 'pause') replayClock.setPaused(true);
      else if (message.action === 'step') replayClock.step();
      else if (message.speed !== undefined) replayClock.setSpeed(message.speed);
      break;
  }
});

// The host went away (crashed or closed): stop cleanly rather than trade unattended.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
