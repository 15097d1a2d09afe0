import { runReplay } from '../engine/process/replay-runner.js';
import { type CommandSpec, booleanOption, stringOption } from './args.js';
import { readConfigOption } from './config-option.js';

export const replayCommand: CommandSpec = {
  name: 'replay',
  summary: 'run a recording through the full engine, deterministic, as fast as possible',
  usage: 'replay --data FILE [--config FILE] [--db FILE] [--json]',
  options: [
    {
      name: 'data',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording (docs/ARCHITECTURE.md §4 JSON Lines, .gz allowed)',
    },
    {
      name: 'config',
      kind: 'string',
      value: 'FILE',
      description: 'TOML configuration (defaults when absent)',
    },
    {
      name: 'db',
      kind: 'string',
      value: 'FILE',
      description: 'SQLite file for orders, fills, positions, signals (default: in memory)',
    },
    { name: 'overwrite', kind: 'boolean', description: 'replace --db if it exists' },
    { name: 'json', kind: 'boolean', description: 'print the summary object only' },
  ],
  async run(options) {
    const config = readConfigOption(stringOption(options, 'config'));
    const showProgress = process.stderr.isTTY === true && !booleanOption(options, 'json');
    const started = Date.now();
    const summary = await runReplay({
      dataFile: stringOption(options, 'data')!,
      config,
      dbPath: stringOption(options, 'db') ?? ':memory:',
      overwrite: booleanOption(options, 'overwrite'),
      log: (level, msg) => {
        // A thread's failure comes back as the thrown error below: printed once, there.
        if (level === 'error' && THREAD_FAILED.test(msg)) return;
        if (level === 'warn' || level === 'error') process.stderr.write(`${firstLine(msg)}\n`);
      },
      ...(showProgress
        ? {
            onProgress: (messages: number) =>
              process.stderr.write(`\rreplay: ${messages.toLocaleString('en-US')} messages`),
          }
        : {}),
    }).catch((error: unknown) => {
      // One sentence (file, line, value); a thread's stack trace is for LOG_LEVEL=debug.
      const message = error instanceof Error ? error.message : String(error);
      if (process.env.LOG_LEVEL === 'debug') console.error(message);
      throw new Error(firstLine(message));
    });
    if (showProgress) process.stderr.write('\n');
    if (booleanOption(options, 'json')) {
      console.log(JSON.stringify(summary));
      return 0;
    }
    const seconds = (Date.now() - started) / 1000;
    const rows: Array<[string, string]> = [
      [
        'messages',
        `${summary.messages} (${Math.round(summary.messages / Math.max(seconds, 1e-3)).toLocaleString('en-US')}/s)`,
      ],
      ['book updates', String(summary.book_updates)],
      ['trades', String(summary.trades)],
      ['signals', `${summary.signals} fired, ${summary.suppressed_signals} suppressed`],
      ['orders', String(summary.orders)],
      ['fills', String(summary.fills)],
      ['rejections', `${summary.rejections} ${JSON.stringify(summary.rejections_by_reason)}`],
      [
        'positions',
        Object.entries(summary.positions)
          .map(([s, q]) => `${s} ${q}`)
          .join(', '),
      ],
      ['realized PnL', summary.realized_pnl.toFixed(2)],
      ['unrealized PnL', summary.unrealized_pnl.toFixed(2)],
      [
        'tick-to-trade µs',
        `p50 ${summary.tick_to_trade_us.p50}  p99 ${summary.tick_to_trade_us.p99}  p99.9 ${summary.tick_to_trade_us.p999}`,
      ],
      ['gaps / resyncs / malformed', `${summary.gaps} / ${summary.resyncs} / ${summary.malformed}`],
      ['time', `${seconds.toFixed(2)} s`],
    ];
    for (const [label, value] of rows) console.log(`${label.padEnd(28)} ${value}`);
    return 0;
  },
};

/** How EngineRuntime words a thread's failure (it is also thrown by runReplay). */
const THREAD_FAILED = /^\w+ thread failed: /;

const firstLine = (text: string): string => text.split('\n', 1)[0]!;
