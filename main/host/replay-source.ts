import path from 'node:path';
import { convertHftbacktest, hftbacktestSymbol } from '../engine/recording/hftbacktest-convert.js';

/**
 * What the replay engine reads for a catalogue entry. A Lockstep recording (§4) is read
 * as it is. An hftbacktest collector file (`<nanoseconds> <combined-stream JSON>` lines,
 * as the test fixtures) is converted first, by the same code as `lockstep convert`, into
 * a recording beside the run's database; its symbol is read from the first stream name.
 */
export interface ReplaySource {
  readonly file: string;
  /** The symbol an hftbacktest file holds (the replay trades that symbol). */
  readonly symbol?: string;
}

export async function prepareReplaySource(file: string, workPath: string): Promise<ReplaySource> {
  const symbol = await hftbacktestSymbol(file);
  if (symbol === null) return { file };
  const out = `${workPath}.jsonl`;
  const result = await convertHftbacktest(file, symbol, out);
  if (result.frames + result.snapshots === 0)
    throw new Error(`${path.basename(file)} holds no frames a replay can use`);
  return { file: out, symbol };
}
