import { booleanOption, numberOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { formatFixed } from '../../shared/domain.js';
import { FrameOutcome, MarketPipeline } from '../engine/market/market-pipeline.js';
import { SnapshotOutcome } from '../engine/market/book-sync.js';
import { readRecording } from '../engine/recording/recording-reader.js';
import { symbolOfStream } from '../engine/recording/recording-line.js';

/**
 * `lockstep book`: rebuilds a symbol's order book from a recording with the same pipeline
 * the engine runs live, and prints the final book (DESIGN.md §3). Malformed lines and
 * frames are reported on stderr with their line numbers and skipped.
 */
export const bookCommand: CommandSpec = {
  name: 'book',
  summary:
    'rebuild the order book from a recording with the documented sync procedure, print the final book',
  usage: 'book --data FILE [--depth N] [--json] [--symbol S]',
  options: [
    {
      name: 'data',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording (.jsonl or .jsonl.gz)',
    },
    {
      name: 'depth',
      kind: 'number',
      value: 'N',
      default: 10,
      description: 'levels per side to print',
    },
    {
      name: 'json',
      kind: 'boolean',
      description: 'print {"symbol","last_update_id","synced","gaps","bids","asks"}',
    },
    {
      name: 'symbol',
      kind: 'string',
      value: 'SYMBOL',
      description: 'which book, when the recording holds several symbols',
    },
  ],

  async run(options) {
    const path = stringOption(options, 'data')!;
    const depth = numberOption(options, 'depth') ?? 10;
    if (!Number.isInteger(depth) || depth < 1)
      throw new UsageError(`book: --depth must be a positive integer, got ${depth}`);
    let lineNo = 0;
    const report = (message: string) => console.error(`${path}:${lineNo}: ${message}`);
    // Without --symbol a first pass finds it and reports the unreadable lines on the way.
    const given = stringOption(options, 'symbol');
    const symbol =
      given ??
      (await defaultSymbol(path, (at, reason) => {
        lineNo = at;
        report(`skipped malformed line: ${reason}`);
      }));
    if (!/^[A-Z0-9]{2,20}$/.test(symbol))
      throw new UsageError(`book: --symbol must be like BTCUSDT, got "${symbol}"`);

    const pipeline = new MarketPipeline([symbol], { depthLevelsForRecord: 0 }, () => undefined);
    let seen = false;
    for await (const event of readRecording(path)) {
      lineNo = event.lineNo;
      if (event.kind === 'malformed') {
        if (given !== undefined) report(`skipped malformed line: ${event.reason}`);
        continue;
      }
      if (event.kind === 'snapshot') {
        if (event.symbol !== symbol) continue;
        seen = true;
        const outcome = pipeline.onSnapshot(symbol, event.data, event.tsUs);
        if (outcome === SnapshotOutcome.MALFORMED)
          report(`skipped malformed snapshot: ${pipeline.lastError}`);
        continue;
      }
      if (symbolOfStream(event.stream) === symbol) seen = true;
      const outcome = pipeline.onFrame(event.data, event.tsUs, 0);
      if (outcome === FrameOutcome.MALFORMED)
        report(`skipped malformed frame: ${pipeline.lastError}`);
      else if (outcome === FrameOutcome.GAP || outcome === FrameOutcome.CROSSED)
        report(`${pipeline.book(symbol).lastLossReason}; not synced until the next snapshot line`);
    }
    if (!seen) throw new Error(`${path} holds nothing for ${symbol}`);

    const state = pipeline.book(symbol);
    const side = (levels: [number, number][]) =>
      levels.slice(0, depth).map(([p, q]) => [formatFixed(p), formatFixed(q)]);
    const result = {
      symbol,
      last_update_id: state.lastUpdateId,
      synced: state.synced,
      gaps: state.counters.gaps,
      bids: side(state.book.bids.levels()),
      asks: side(state.book.asks.levels()),
    };
    if (booleanOption(options, 'json')) {
      console.log(JSON.stringify(result));
      return 0;
    }
    console.log(
      `${symbol}  last update ${result.last_update_id}  ${result.synced ? 'synced' : `NOT SYNCED (${state.lastLossReason === '' ? 'the recording has no snapshot line for it' : `${state.lastLossReason}; no snapshot line followed`})`}  gaps ${result.gaps}`,
    );
    console.log(
      `${'bid qty'.padStart(16)} ${'bid'.padStart(14)} | ${'ask'.padEnd(14)} ${'ask qty'.padEnd(16)}`,
    );
    for (let i = 0; i < Math.max(result.bids.length, result.asks.length); i++) {
      const [bp, bq] = result.bids[i] ?? ['', ''];
      const [ap, aq] = result.asks[i] ?? ['', ''];
      console.log(`${bq!.padStart(16)} ${bp!.padStart(14)} | ${ap!.padEnd(14)} ${aq!.padEnd(16)}`);
    }
    return 0;
  },
};

/**
 * Without --symbol: the recording's first symbol, so `book --data FILE --json` always
 * prints the one object DESIGN.md §3 promises; the others are named on stderr.
 */
async function defaultSymbol(
  path: string,
  onMalformed: (lineNo: number, reason: string) => void,
): Promise<string> {
  const symbols: string[] = [];
  for await (const event of readRecording(path)) {
    if (event.kind === 'malformed') onMalformed(event.lineNo, event.reason);
    const symbol =
      event.kind === 'frame'
        ? symbolOfStream(event.stream)
        : event.kind === 'snapshot'
          ? event.symbol
          : null;
    if (symbol !== null && !symbols.includes(symbol)) symbols.push(symbol);
  }
  if (symbols.length === 0) throw new Error(`${path} holds no frames or snapshots`);
  if (symbols.length > 1) {
    process.stderr.write(
      `book: ${path} holds ${symbols.join(', ')}; showing ${symbols[0]} (choose with --symbol)\n`,
    );
  }
  return symbols[0]!;
}
