import { readLines } from './recording-reader.js';
import { splitCombinedFrame } from './json-extract.js';
import { RecordingWriter } from './recording-writer.js';

export interface ConvertResult {
  readonly lines: number;
  readonly frames: number;
  readonly snapshots: number;
  /** Lines skipped, with their numbers and reasons. */
  readonly malformed: readonly { lineNo: number; reason: string }[];
}

const NANOS = /^\d{4,25}$/;
const HFTBACKTEST_LINE = /^\d{4,25} \{"stream":"([a-z0-9]{2,20})@/;

/**
 * The symbol of an hftbacktest collector file (its first line is `<ns> {"stream":"sym@…`),
 * or null for anything else, such as a Lockstep recording.
 */
export async function hftbacktestSymbol(file: string): Promise<string | null> {
  for await (const { line } of readLines(file)) {
    const match = line === null ? null : HFTBACKTEST_LINE.exec(line);
    return match === null ? null : match[1]!.toUpperCase();
  }
  return null;
}

/**
 * Converts the hftbacktest collector's layout (`<receive time ns> <json>` a line, the JSON
 * a combined-stream frame or a bare REST snapshot) to a Lockstep recording. ts = ns / 1000,
 * cut as text because nanoseconds since the epoch exceed 2^53; a snapshot line takes the
 * file's symbol; payloads are copied unchanged.
 */
export async function convertHftbacktest(
  inPath: string,
  symbol: string,
  outPath: string,
): Promise<ConvertResult> {
  if (!/^[A-Z0-9]{2,20}$/.test(symbol))
    throw new Error(`--symbol must be like BTCUSDT, got "${symbol}"`);
  const writer = new RecordingWriter(outPath);
  const malformed: { lineNo: number; reason: string }[] = [];
  let lines = 0;
  try {
    for await (const text of readLines(inPath)) {
      lines++;
      const lineNo = text.lineNo;
      if (text.line === null) {
        malformed.push({ lineNo, reason: text.reason });
        continue;
      }
      const line = text.line;
      const space = line.indexOf(' ');
      const nanos = space > 0 ? line.slice(0, space) : '';
      if (!NANOS.test(nanos)) {
        malformed.push({ lineNo, reason: 'expected "<nanoseconds> <json>"' });
        continue;
      }
      const tsUs = Number(nanos.slice(0, -3));
      const json = line.slice(space + 1).trim();
      if (!json.startsWith('{"stream"') && isSnapshot(json)) {
        writer.writeSnapshot(tsUs, symbol, json);
        continue;
      }
      const frame = splitCombinedFrame(json);
      if (typeof frame === 'string') {
        malformed.push({ lineNo, reason: frame });
        continue;
      }
      writer.writeFrame(tsUs, frame.stream, frame.data);
    }
  } finally {
    await writer.close();
  }
  return { lines, frames: writer.frames, snapshots: writer.snapshots, malformed };
}

/** A bare REST depth snapshot (rare: parsing it whole is fine). */
function isSnapshot(json: string): boolean {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && 'lastUpdateId' in parsed;
  } catch {
    return false;
  }
}
