import { stringOption, type CommandSpec } from './args.js';
import { convertHftbacktest } from '../engine/recording/hftbacktest-convert.js';

/** `lockstep convert`: an hftbacktest collector file to a Lockstep recording (docs/ARCHITECTURE.md §4). */
export const convertCommand: CommandSpec = {
  name: 'convert',
  summary: 'convert an hftbacktest collector file (<ns> <json> lines, .gz or plain) to a recording',
  usage: 'convert --in FILE --symbol BTCUSDT --out FILE.jsonl',
  options: [
    {
      name: 'in',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'hftbacktest file: "<receive ns> <frame or snapshot json>" a line',
    },
    {
      name: 'symbol',
      kind: 'string',
      value: 'SYMBOL',
      required: true,
      description: "the file's symbol (its snapshot lines do not name it)",
    },
    {
      name: 'out',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording to write (.gz to compress)',
    },
  ],

  async run(options) {
    const input = stringOption(options, 'in')!;
    const output = stringOption(options, 'out')!;
    const result = await convertHftbacktest(input, stringOption(options, 'symbol')!, output);
    for (const { lineNo, reason } of result.malformed)
      console.error(`${input}:${lineNo}: skipped: ${reason}`);
    console.log(
      `converted ${result.lines} lines: ${result.frames} frames, ${result.snapshots} snapshots, ${result.malformed.length} skipped → ${output}`,
    );
    return 0;
  },
};
