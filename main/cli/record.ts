import { booleanOption, numberOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { MarketPipeline } from '../engine/market/market-pipeline.js';
import { ExchangeClient } from '../engine/market/exchange-client.js';
import { splitCombinedFrame } from '../engine/recording/json-extract.js';
import { RecordingWriter } from '../engine/recording/recording-writer.js';

/**
 * `lockstep record`: connects like the engine does (same client, same sync procedure) and
 * writes every frame and every snapshot it fetched — at the start and after each gap —
 * as recording lines (DESIGN.md §4). Progress goes to stderr every few seconds.
 */
export const recordCommand: CommandSpec = {
  name: 'record',
  summary: 'record frames and snapshots to a recording file',
  usage: 'record --url URL --symbols S --out FILE [--duration S] [--rest-url URL]',
  options: [
    { name: 'url', kind: 'string', value: 'URL', required: true, description: 'WebSocket base, e.g. ws://127.0.0.1:9443 or wss://stream.binance.com:9443' },
    { name: 'symbols', kind: 'string', value: 'LIST', required: true, description: 'comma-separated symbols, e.g. BTCUSDT,ETHUSDT' },
    { name: 'out', kind: 'string', value: 'FILE', required: true, description: 'recording to write (.gz to compress)' },
    { name: 'duration', kind: 'number', value: 'S', description: 'stop after this many seconds (default: until Ctrl-C)' },
    { name: 'rest-url', kind: 'string', value: 'URL', description: 'REST base for snapshots (default: the --url host over http(s); https://api.binance.com for Binance)' },
    { name: 'snapshot-limit', kind: 'number', value: 'N', default: 1000, description: 'levels per side in each REST snapshot (≤ 5000)' },
    { name: 'book-ticker', kind: 'boolean', description: 'also record <symbol>@bookTicker' },
  ],

  async run(options) {
    const url = stringOption(options, 'url')!;
    if (!/^wss?:\/\//.test(url)) throw new UsageError(`record: --url must start with ws:// or wss://, got "${url}"`);
    const symbols = stringOption(options, 'symbols')!.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
    if (bad !== undefined || symbols.length === 0) throw new UsageError(`record: --symbols must list symbols like BTCUSDT,ETHUSDT`);
    const duration = numberOption(options, 'duration');
    if (duration !== undefined && !(duration > 0)) throw new UsageError(`record: --duration must be a positive number of seconds, got ${duration}`);
    const limit = numberOption(options, 'snapshot-limit') ?? 1000;
    if (!Number.isInteger(limit) || limit < 5 || limit > 5000) throw new UsageError(`record: --snapshot-limit must be an integer from 5 to 5000, got ${limit}`);
    const restUrl = stringOption(options, 'rest-url') ?? url.replace(/^ws/, 'http');
    const out = stringOption(options, 'out')!;

    const writer = new RecordingWriter(out);
    const pipeline = new MarketPipeline(symbols, { depthLevelsForRecord: 0 }, () => undefined);
    let unsplittable = 0;
    const client = new ExchangeClient({
      url,
      restUrl,
      symbols,
      pipeline,
      snapshotLimit: limit,
      bookTicker: booleanOption(options, 'book-ticker'),
      nowMonoUs: () => performance.now() * 1000,
      handleFrame: (data, tsUs, t0Us) => {
        const frame = splitCombinedFrame(data.toString('utf8'));
        if (typeof frame === 'string') unsplittable++;
        else writer.writeFrame(tsUs, frame.stream, frame.data);
        pipeline.onFrame(data, tsUs, t0Us);
      },
      onSnapshotBody: (symbol, body, tsUs) => writer.writeSnapshot(tsUs, symbol, body),
      log: (level, message) => {
        if (level !== 'debug') console.error(`record ${level}: ${message}`);
      },
    });
    const progress = () => {
      const c = pipeline.counters;
      console.error(
        `record: ${writer.frames} frames, ${writer.snapshots} snapshots, ${c.gaps} gaps, ${c.malformed} malformed, ` +
          `${(writer.bytes / 1e6).toFixed(2)} MB, feed ${client.state}`,
      );
    };
    const timer = setInterval(progress, 5000);
    client.start();
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (duration !== undefined) setTimeout(stop, duration * 1000).unref();
    });
    clearInterval(timer);
    await client.close();
    await writer.close();
    progress();
    if (unsplittable > 0) console.error(`record: ${unsplittable} frames were not combined-stream frames and were not written`);
    console.log(`recorded ${writer.frames} frames and ${writer.snapshots} snapshots to ${out}`);
    return 0;
  },
};
