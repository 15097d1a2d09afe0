/**
 * A stand-in engine process for the host's tests: speaks the real host↔engine protocol
 * (shared/engine-protocol.ts) over the same HostPort the real engine uses, publishes a
 * changing EngineState, applies live edits with the real config rules, and can be told
 * to misbehave through FAKE_ENGINE (comma-separated):
 *   no-ack           never answers commands (ack timeout tests)
 *   ignore-shutdown  ignores 'shutdown' (kill-after-timeout tests)
 *   fatal-on-start   reports a fatal error and exits on 'start'
 *   exit-on-start    exits with code 3 on 'start', before 'ready'
 *   fatal-on-restart on a restart (a start with restartReason), fails as an engine whose
 *                    database cannot be opened does: a fatal error, then exit 1
 * A crash is simulated for real: the test SIGKILLs this process by its pid.
 */
import type { Command, CommandAck, EngineState } from '../../shared/api.js';
import { applyParamsPatch, type Config } from '../../shared/config.js';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import type { TradingState } from '../../shared/domain.js';
import { asHostMessage, connectHostPort } from '../../main/engine/process/host-port.js';

const modes = new Set((process.env.FAKE_ENGINE ?? '').split(',').filter(Boolean));
const port = connectHostPort();

let config: Config | null = null;
let seq = 0;
let tradingState: TradingState = 'ACTIVE';
let killReason = '';
let killSource: 'trader' | 'engine' = 'trader';
let ticker: ReturnType<typeof setInterval> | null = null;
const startedAt = Date.now();

function state(): EngineState {
  const current = config!;
  seq++;
  return {
    seq,
    tsUs: Date.now() * 1000,
    engineRunning: true,
    books: current.strategy.symbols.map((symbol) => ({
      symbol,
      synced: true,
      lastUpdateId: seq,
      bids: [['100.00', '1.5']],
      asks: [['100.10', '2']],
      mid: 100.05,
      spreadBps: 9.995,
    })),
    trades: [],
    signals: [],
    signalCounts: { fired: 0, suppressed: 0, none: seq },
    orders: [],
    fills: [],
    positions: [],
    totals: { realizedPnl: 0, unrealizedPnl: 0 },
    killSwitch: {
      state: tradingState,
      reason: killReason,
      source: killSource,
      changedUs: startedAt * 1000,
      settled: true,
    },
    health: {
      feed: 'live',
      messagesPerSecond: 10,
      tickToTrade: { p50Us: 5, p99Us: 12, count: 3 },
      latencies: [],
      ringUtilization: { market: 0.01 },
      uptimeSeconds: (Date.now() - startedAt) / 1000,
      restarts: 0,
      rejections: {},
      ordersSubmitted: 0,
    },
    params: current.strategy.params,
    riskLimits: current.strategy.risk_limits,
    paramHistory: [],
    symbols: current.strategy.symbols,
  };
}

function execute(command: Command): CommandAck {
  switch (command.type) {
    case 'setKillSwitch':
      tradingState = command.on ? 'HALTED' : 'ACTIVE';
      killReason = command.reason;
      killSource = 'trader';
      return { ok: true };
    case 'updateParams':
    case 'updateRiskLimits': {
      const patch =
        command.type === 'updateParams'
          ? { params: command.patch }
          : { risk_limits: command.patch };
      const result = applyParamsPatch(config!, patch);
      if (!result.ok) return { ok: false, reason: result.problems.join('; ') };
      config = result.config;
      port.send({ kind: 'configChanged', config });
      return { ok: true, detail: 'applied' };
    }
    default:
      return { ok: true };
  }
}

function onMessage(message: HostToEngine): void {
  switch (message.kind) {
    case 'start':
      if (modes.has('exit-on-start')) process.exit(3);
      if (modes.has('fatal-on-start')) {
        port.send({ kind: 'fatal', error: 'fake engine told to fail at start' });
        setTimeout(() => process.exit(1), 10);
        return;
      }
      if (modes.has('fatal-on-restart') && message.restartReason) {
        port.send({
          kind: 'fatal',
          error: `engine failed to start: cannot open the database ${message.dataDir}/lockstep.sqlite: unable to open database file`,
        });
        setTimeout(() => process.exit(1), 10);
        return;
      }
      config = message.config;
      if (message.restartReason) {
        // What the real engine does after a crash: kill switch ON, saying why.
        tradingState = 'HALTED';
        killReason = message.restartReason;
        killSource = 'engine';
      }
      process.stderr.write(`fake engine on stderr: started pid ${process.pid}\n`);
      port.send({
        kind: 'log',
        level: 'info',
        msg: 'fake engine started',
        data: { dataDir: message.dataDir },
      });
      port.send({ kind: 'ready', metricsPort: 0 });
      port.send({ kind: 'state', state: state() });
      ticker = setInterval(() => port.send({ kind: 'state', state: state() }), 33);
      return;
    case 'command':
      if (modes.has('no-ack')) return;
      port.send({ kind: 'ack', id: message.id, ack: execute(message.command) });
      return;
    case 'shutdown':
      if (modes.has('ignore-shutdown')) return;
      if (ticker) clearInterval(ticker);
      port.send({ kind: 'stopped' });
      setTimeout(() => process.exit(0), 10);
      return;
  }
}

port.onMessage((raw) => {
  const message = asHostMessage(raw);
  if (message) onMessage(message);
});
// A Node child whose parent is gone has nobody to talk to.
process.on('disconnect', () => process.exit(0));
