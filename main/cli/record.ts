import { booleanOption, numberOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { recordMarket, type RecordProgress } from '../engine/recording/recorder.js';

/**
 * `lockstep record`: connects like the engine does (same client, same sync procedure) and
 * writes every frame and every snapshot it fetched — at the start and after each gap —
 * as recording lines (docs/ARCHITECTURE.md §4). Progress goes to stderr every few seconds.
 */
export const recordCommand: CommandSpec = {
  name: 'record',
  summary: 'record frames and snapshots to a recording file',
  usage: 'record --url URL --symbols S --out FILE [--duration S] [--rest-url URL]',
  options: [
    {
      name: 'url',
      kind: 'string',
      value: 'URL',
      required: true,
      description: 'WebSocket base, e.g. ws://127.0.0.1:9443 or wss://stream.binance.com:9443',
    },
    {
      name: 'symbols',
      kind: 'string',
      value: 'LIST',
      required: true,
      description: 'comma-separated symbols, e.g. BTCUSDT,ETHUSDT',
    },
    {
      name: 'out',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording to write (.gz to compress)',
    },
    {
      name: 'duration',
      kind: 'number',
      value: 'S',
      description: 'stop after this many seconds (default: until Ctrl-C)',
    },
    {
      name: 'rest-url',
      kind: 'string',
      value: 'URL',
      description:
        'REST base for snapshots (default: the --url host over http(s); https://api.binance.com for Binance)',
    },
    {
      name: 'snapshot-limit',
      kind: 'number',
      value: 'N',
      default: 1000,
      description: 'levels per side in each REST snapshot (≤ 5000)',
    },
    { name: 'book-ticker', kind: 'boolean', description: 'also record <symbol>@bookTicker' },
  ],

  async run(options) {
    const url = stringOption(options, 'url')!;
    if (!/^wss?:\/\//.test(url))
      throw new UsageError(`record: --url must start with ws:// or wss://, got "${url}"`);
    const symbols = stringOption(options, 'symbols')!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
    if (bad !== undefined || symbols.length === 0)
      throw new UsageError(`record: --symbols must list symbols like BTCUSDT,ETHUSDT`);
    const duration = numberOption(options, 'duration');
    if (duration !== undefined && !(duration > 0))
      throw new UsageError(
        `record: --duration must be a positive number of seconds, got ${duration}`,
      );
    const limit = numberOption(options, 'snapshot-limit') ?? 1000;
    if (!Number.isInteger(limit) || limit < 5 || limit > 5000)
      throw new UsageError(
        `record: --snapshot-limit must be an integer from 5 to 5000, got ${limit}`,
      );
    const restUrl = stringOption(options, 'rest-url') ?? url.replace(/^ws/, 'http');
    if (!/^https?:\/\//.test(restUrl))
      throw new UsageError(
        `record: --rest-url must start with http:// or https://, got "${restUrl}"`,
      );
    const out = stringOption(options, 'out')!;

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const describe = (p: RecordProgress) =>
      `record: ${p.frames} frames, ${p.snapshots} snapshots, ${p.gaps} gaps, ${p.malformed} malformed, ${(p.bytes / 1e6).toFixed(2)} MB, feed ${p.feed}`;
    const result = await recordMarket({
      url,
      restUrl,
      symbols,
      out,
      snapshotLimit: limit,
      bookTicker: booleanOption(options, 'book-ticker'),
      durationMs: duration === undefined ? undefined : duration * 1000,
      signal: stop.signal,
      log: (level, message) => {
        if (level !== 'debug') console.error(`record ${level}: ${message}`);
      },
      onProgress: (p) => console.error(describe(p)),
    });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    console.error(describe(result));
    if (result.unsplittable > 0)
      console.error(
        `record: ${result.unsplittable} frames were not combined-stream frames and were not written`,
      );
    console.log(`recorded ${result.frames} frames and ${result.snapshots} snapshots to ${out}`);
    return 0;
  },
};
