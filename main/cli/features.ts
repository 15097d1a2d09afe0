import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringOption, UsageError, type CommandSpec } from './args.js';
import { loadStrategyCommandConfig } from './strategy-cli-config.js';
import { recordingFeatures } from '../engine/strategy/recording-features.js';
import type { FeatureVector } from '../engine/strategy/features/feature-vector.js';

/** DESIGN.md §3: the first CSV columns, in this order. */
const LEADING_COLUMNS = [
  'ts_us',
  'update_id',
  'mid',
  'spread_bps',
  'imbalance',
  'weighted_imbalance',
  'volatility',
  'momentum',
];
const FLUSH_BYTES = 64 * 1024;

/** A CSV cell: shortest round-trip decimal; NaN (no trade yet, no VPIN bucket yet) is empty. */
const cell = (value: number): string => (Number.isFinite(value) ? String(value) : '');

/**
 * `lockstep features`: one CSV row of every feature per book update, computed by the
 * strategy's own extractors from a recording played through the market code — the
 * numbers the strategy saw, for checking by hand or in a notebook.
 */
export const featuresCommand: CommandSpec = {
  name: 'features',
  summary: 'one CSV row of every feature per book update of a recording',
  usage: 'features --data FILE [--out FILE.csv] [--config FILE] [--symbol S]',
  options: [
    {
      name: 'data',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording (JSON Lines, plain or .gz)',
    },
    {
      name: 'out',
      kind: 'string',
      value: 'FILE.csv',
      description: 'write the CSV here (default: stdout)',
    },
    {
      name: 'config',
      kind: 'string',
      value: 'FILE',
      description:
        'TOML config whose [strategy.params] shape the features (default: the documented defaults)',
    },
    {
      name: 'symbol',
      kind: 'string',
      value: 'S',
      description: 'symbol to follow (default: the first of strategy.symbols)',
    },
  ],

  async run(options) {
    const data = stringOption(options, 'data')!;
    const outPath = stringOption(options, 'out');
    const config = loadStrategyCommandConfig(stringOption(options, 'config'));
    const symbol = stringOption(options, 'symbol') ?? config.strategy.symbols[0]!;
    if (!/^[A-Z0-9]{2,20}$/.test(symbol)) {
      throw new UsageError(
        `features: --symbol must be upper-case letters or digits like BTCUSDT, got "${symbol}"`,
      );
    }

    const file: WriteStream | null = outPath === undefined ? null : createWriteStream(outPath);
    const out: NodeJS.WritableStream = file ?? process.stdout;
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    failed.catch(() => undefined);
    let chunk = '';
    let columns: readonly number[] | null = null;
    const flush = async (): Promise<void> => {
      if (chunk === '') return;
      const ok = out.write(chunk);
      chunk = '';
      if (!ok) await Promise.race([once(out, 'drain'), failed]);
    };
    const onRow = async (features: FeatureVector): Promise<void> => {
      if (columns === null) {
        // Header once the vector's names are known: the leading six, then every other feature.
        const rest = features.names.filter((name) => !LEADING_COLUMNS.includes(name));
        columns = [...LEADING_COLUMNS.slice(2), ...rest].map((name) => features.slot(name));
        chunk += [...LEADING_COLUMNS, ...rest].join(',') + '\n';
      }
      let line = `${features.tsUs},${features.updateId}`;
      for (const slot of columns) line += ',' + cell(features.values[slot]!);
      chunk += line + '\n';
      if (chunk.length >= FLUSH_BYTES) await flush();
    };

    const summary = await recordingFeatures({
      path: data,
      symbol,
      params: config.strategy.params,
      onRow,
      // As they are met, so a file that never ends (a line without end) still says why.
      onMalformed: (lineNo, reason) => console.error(`${data}:${lineNo}: skipped: ${reason}`),
    });
    await flush();
    if (file !== null) {
      file.end();
      await Promise.race([once(file, 'finish'), failed]);
    }
    console.error(
      `features: ${summary.rows} rows from ${summary.lines} lines (${symbol}: ${summary.bookUpdates} book updates, ${summary.trades} trades, ${summary.gaps} gaps, ${summary.resyncs} resyncs, ${summary.malformed.length} malformed)${outPath ? ` -> ${outPath}` : ''}`,
    );
    if (summary.rows === 0) {
      throw new Error(
        `${data} has no book update for ${symbol} with both sides present; check --symbol (and that the recording holds a snapshot for it)`,
      );
    }
    return 0;
  },
};
