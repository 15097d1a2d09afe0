import { numberOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { FaultSpecError, parseFaultSpec } from '../sim/fault-spec.js';
import { startSimulator } from '../sim/start-simulator.js';

/**
 * `lockstep sim`: the local exchange on 127.0.0.1 (Binance wire protocol), generated or
 * replayed, until Ctrl-C. The first stdout line names the URLs; logs go to stderr.
 */
export const simCommand: CommandSpec = {
  name: 'sim',
  summary: 'run the local exchange: WebSocket streams and the REST depth snapshot, generated or replayed',
  usage: 'sim [--port 9443] [--seed N] [--symbols BTCUSDT,ETHUSDT] [--replay FILE] [--speed X] [--rate N] [--faults SPEC]',
  options: [
    { name: 'port', kind: 'number', value: 'PORT', default: 9443, description: 'port on 127.0.0.1 (0 picks a free one)' },
    { name: 'seed', kind: 'number', value: 'N', default: 1, description: 'seed of the generated market and of the faults' },
    { name: 'symbols', kind: 'string', value: 'LIST', default: 'BTCUSDT,ETHUSDT', description: 'comma-separated symbols of the generated market' },
    { name: 'replay', kind: 'string', value: 'FILE', description: 'serve this recording (.jsonl or .jsonl.gz) instead of a generated market' },
    { name: 'speed', kind: 'number', value: 'X', default: 1, description: 'replay speed: 1 = the recording\'s own pace, 10 = ten times faster' },
    { name: 'rate', kind: 'number', value: 'N', default: 10, description: 'generated depth diffs a second per symbol, each 100 ms of market time' },
    {
      name: 'faults',
      kind: 'string',
      value: 'SPEC',
      description:
        'e.g. drop=0.01,dup=0.01,reorder=0.01,malformed=0.005,disconnect=30s,silence=10s@60s,slow_snapshot=2000ms,rest_error=0.1',
    },
  ],

  async run(options) {
    const port = numberOption(options, 'port') ?? 9443;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`sim: --port must be an integer from 0 to 65535, got ${port}`);
    const seed = numberOption(options, 'seed') ?? 1;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`sim: --seed must be a non-negative integer, got ${seed}`);
    const speed = numberOption(options, 'speed') ?? 1;
    if (!(speed > 0)) throw new UsageError(`sim: --speed must be a positive number, got ${speed}`);
    const rate = numberOption(options, 'rate') ?? 10;
    if (!(rate > 0 && rate <= 1000)) throw new UsageError(`sim: --rate must be between 0 and 1000 diffs a second, got ${rate}`);
    const symbols = (stringOption(options, 'symbols') ?? 'BTCUSDT,ETHUSDT').split(',').map((s) => s.trim()).filter(Boolean);
    const bad = symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
    if (bad !== undefined || symbols.length === 0) {
      throw new UsageError(`sim: --symbols must list symbols like BTCUSDT,ETHUSDT${bad !== undefined ? `; "${bad}" is not one` : ''}`);
    }
    let faults;
    try {
      faults = parseFaultSpec(stringOption(options, 'faults'));
    } catch (error) {
      if (error instanceof FaultSpecError) throw new UsageError(`sim: --faults: ${error.message}`);
      throw error;
    }
    const replay = stringOption(options, 'replay');
    const sim = await startSimulator({
      port,
      seed,
      symbols,
      replay,
      speed,
      rate,
      faults,
      log: (level, message) => console.error(`sim ${level}: ${message}`),
    });
    console.log(`lockstep sim: streams ${sim.url}/stream?streams=<symbol>@depth@100ms/... REST ${sim.restUrl}/api/v3/depth?symbol=...`);
    console.error(`sim: ${replay ? `replaying ${replay} at ${speed}x` : `generating ${sim.symbols.join(', ')} (seed ${seed}, ${rate} diffs/s)`}; Ctrl-C stops`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await sim.close();
    return 0;
  },
};
