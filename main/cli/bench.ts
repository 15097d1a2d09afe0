import { allBenchStages } from '../engine/bench/all-stages.js';
import { benchRowsToJson, formatBenchTable, runBench } from '../engine/bench/run-bench.js';
import { formatPeerBooks, measurePeerBooks } from '../engine/bench/peer-books.js';
import { booleanOption, stringOption, type CommandSpec } from './args.js';

/** `lockstep bench`: the latency budget table of DESIGN.md §8. */
export const benchCommand: CommandSpec = {
  name: 'bench',
  summary:
    'measure every engine stage (warm-up, many iterations) and print p50/p99/p99.9 beside the latency budget',
  usage: 'bench [--json] [--filter TEXT]',
  options: [
    {
      name: 'json',
      kind: 'boolean',
      description: 'print the rows as a JSON array instead of the table',
    },
    {
      name: 'filter',
      kind: 'string',
      value: 'TEXT',
      description: 'only stages whose name or group contains TEXT (case-insensitive)',
    },
  ],
  async run(options) {
    const filter = stringOption(options, 'filter')?.toLowerCase();
    const all = allBenchStages();
    const stages =
      filter === undefined
        ? all
        : all.filter(
            (stage) =>
              stage.name.toLowerCase().includes(filter) ||
              stage.group.toLowerCase().includes(filter),
          );
    // Peers (ccxt, JSON.parse + Map) on the real fixture frames: a section of its own.
    const peers =
      !booleanOption(options, 'json') && (filter === undefined || 'peers'.includes(filter));
    if (stages.length === 0 && !peers) {
      throw new Error(
        `no bench stage matches --filter "${stringOption(options, 'filter')}"; the stages are: ${all.map((s) => s.name).join('; ')}; and peers`,
      );
    }
    // Progress goes to stderr so `--json` output stays parseable.
    const rows = await runBench(stages, (stage) => process.stderr.write(`bench: ${stage.name}…\n`));
    if (booleanOption(options, 'json')) console.log(JSON.stringify(benchRowsToJson(rows), null, 2));
    else if (rows.length > 0) console.log(formatBenchTable(rows));
    if (peers) {
      process.stderr.write('bench: peers on the fixture frames…\n');
      console.log(formatPeerBooks(measurePeerBooks()));
    }
    return 0;
  },
};
