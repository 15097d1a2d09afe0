import {
  numberOption,
  stringOption,
  UsageError,
  type CommandSpec,
  type ParsedOptions,
} from './args.js';
import {
  FaultSpecError,
  describeFaults,
  parseFaultSpec,
  type FaultSpec,
} from '../sim/fault-spec.js';
import { DEFAULT_SAMPLE_FAULTS, recordSample } from '../sim/sample-recorder.js';
import { startSimulator } from '../sim/start-simulator.js';

/**
 * `lockstep sim`: the local exchange on 127.0.0.1 (Binance's spot market-data protocol),
 * generated or replayed, until SIGINT/SIGTERM. The first stdout line names the URLs; logs
 * go to stderr. `--record-sample FILE` instead writes a recording made in simulated time
 * (see main/sim/sample-recorder.ts, which also says how the bundled sample was made).
 */
export const simCommand: CommandSpec = {
  name: 'sim',
  summary:
    'run the local exchange: WebSocket streams and the REST depth snapshot, generated or replayed',
  usage:
    'sim [--port 9443] [--seed N] [--symbols BTCUSDT,ETHUSDT] [--replay FILE] [--speed X|max] [--rate N] [--faults SPEC] [--record-sample FILE --duration S]',
  options: [
    {
      name: 'port',
      kind: 'number',
      value: 'PORT',
      default: 9443,
      description: 'port on 127.0.0.1 (0 picks a free one)',
    },
    {
      name: 'seed',
      kind: 'number',
      value: 'N',
      description:
        'seed of the generated market and of the faults (default: from the clock, printed)',
    },
    {
      name: 'symbols',
      kind: 'string',
      value: 'LIST',
      default: 'BTCUSDT,ETHUSDT',
      description: 'comma-separated symbols of the generated market',
    },
    {
      name: 'replay',
      kind: 'string',
      value: 'FILE',
      description:
        'serve this recording (docs/ARCHITECTURE.md §4, .gz allowed) instead of a generated market',
    },
    {
      name: 'speed',
      kind: 'string',
      value: 'X|max',
      default: '1',
      description:
        'pace: 1 = real time, 10 = ten times faster, max = as fast as clients take it (replay only)',
    },
    {
      name: 'rate',
      kind: 'number',
      value: 'N',
      default: 10,
      description: 'generated @depth@100ms diffs a second per symbol',
    },
    {
      name: 'faults',
      kind: 'string',
      value: 'SPEC',
      description:
        'e.g. drop=0.01,dup=0.01,reorder=0.01,malformed=0.005,disconnect=30s,silence=10s@60s,slow_snapshot=2000ms,rest_error=0.1',
    },
    {
      name: 'record-sample',
      kind: 'string',
      value: 'FILE',
      description: `write a recording made in simulated time instead of serving (faults default ${DEFAULT_SAMPLE_FAULTS})`,
    },
    {
      name: 'duration',
      kind: 'number',
      value: 'S',
      description: 'seconds of market to record with --record-sample (default 75)',
    },
  ],

  async run(options) {
    const faults = readFaults(options);
    const seed = readSeed(options);
    const samplePath = stringOption(options, 'record-sample');
    const replay = stringOption(options, 'replay');
    if (numberOption(options, 'duration') !== undefined && samplePath === undefined) {
      throw new UsageError(
        'sim: --duration goes with --record-sample (a served market runs until stopped)',
      );
    }
    if (replay !== undefined && samplePath !== undefined)
      throw new UsageError(
        'sim: --record-sample generates a market; it cannot be combined with --replay',
      );
    if (samplePath !== undefined) return writeSample(samplePath, options, seed ?? 7);

    const port = numberOption(options, 'port') ?? 9443;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`sim: --port must be an integer from 0 to 65535, got ${port}`);
    const speed = readSpeed(options);
    if (replay !== undefined && options.symbols !== 'BTCUSDT,ETHUSDT') {
      throw new UsageError(
        "sim: --symbols applies to a generated market; a replay serves the recording's own symbols",
      );
    }
    if (replay === undefined && speed === 'max')
      throw new UsageError(
        'sim: --speed max applies to --replay only; give a generated market a number',
      );
    const rate = numberOption(options, 'rate') ?? 10;
    if (!(rate > 0 && rate <= 1000))
      throw new UsageError(
        `sim: --rate must be more than 0 and at most 1000 diffs a second, got ${rate}`,
      );

    const sim = await startSimulator({
      port,
      ...(seed !== undefined ? { seed } : {}),
      symbols: readSymbols(options),
      ...(replay !== undefined ? { replay } : {}),
      speed,
      rate,
      faults: faults ?? '',
      log: (level, message) => process.stderr.write(`sim ${level}: ${message}\n`),
    });
    const first = sim.symbols[0]!;
    const lower = first.toLowerCase();
    console.log(
      `Lockstep simulator: ${sim.url}/stream?streams=${lower}@depth@100ms/${lower}@trade/${lower}@bookTicker  REST ${sim.restUrl}/api/v3/depth?symbol=${first}&limit=1000`,
    );
    process.stderr.write(
      `sim: ${replay !== undefined ? `replaying ${replay} at ${speed === 'max' ? 'full speed' : `${speed}x`} from the first client` : `generating ${sim.symbols.join(', ')}, seed ${sim.seed}, ${rate} diffs/s`}; faults ${describeFaults(sim.faults)}; Ctrl-C stops\n`,
    );
    if (replay !== undefined)
      void sim.finished.then(() =>
        process.stderr.write(
          'sim: the recording has been played; still serving REST until stopped\n',
        ),
      );
    await waitForStopSignal();
    await sim.close();
    return 0;
  },
};

async function writeSample(path: string, options: ParsedOptions, seed: number): Promise<number> {
  const durationS = numberOption(options, 'duration') ?? 75;
  if (!(durationS > 0 && durationS <= 3600))
    throw new UsageError(
      `sim: --duration must be more than 0 and at most 3600 seconds, got ${durationS}`,
    );
  const result = await recordSample({
    out: path,
    seed,
    durationS,
    symbols: readSymbols(options),
    faults: stringOption(options, 'faults') ?? DEFAULT_SAMPLE_FAULTS,
  });
  const gaps = Object.entries(result.gaps)
    .map(([symbol, n]) => `${symbol} ${n}`)
    .join(', ');
  console.log(
    `wrote ${path}: ${result.lines} lines (${result.frames} frames, ${result.snapshots} snapshots), gaps ${gaps}, ${(result.bytes / 1e6).toFixed(2)} MB, seed ${seed}`,
  );
  return 0;
}

function readFaults(options: ParsedOptions): FaultSpec | undefined {
  const text = stringOption(options, 'faults');
  if (text === undefined) return undefined;
  try {
    return parseFaultSpec(text);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(`sim: --${error.message}`);
    throw error;
  }
}

function readSeed(options: ParsedOptions): number | undefined {
  const seed = numberOption(options, 'seed');
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new UsageError(`sim: --seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  return seed;
}

function readSpeed(options: ParsedOptions): number | 'max' {
  const text = stringOption(options, 'speed') ?? '1';
  if (text === 'max') return 'max';
  const speed = Number(text);
  if (!(Number.isFinite(speed) && speed > 0) || text.trim() === '')
    throw new UsageError(`sim: --speed must be a positive number or "max", got "${text}"`);
  return speed;
}

function readSymbols(options: ParsedOptions): string[] {
  const list = (stringOption(options, 'symbols') ?? 'BTCUSDT,ETHUSDT')
    .split(',')
    .map((s) => s.trim().toUpperCase());
  const bad = list.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
  if (bad !== undefined || list.length === 0) {
    throw new UsageError(
      `sim: --symbols must list symbols like BTCUSDT,ETHUSDT${bad !== undefined ? `; "${bad}" is not one` : ''}`,
    );
  }
  if (new Set(list).size !== list.length)
    throw new UsageError('sim: --symbols lists a symbol twice');
  return list;
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second signal while closing means "now".
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
