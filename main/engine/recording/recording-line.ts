import { jsonContainerEnd } from './json-extract.js';

/**
 * One line of a recording (docs/ARCHITECTURE.md §4):
 *   {"ts": <µs since epoch>, "stream": "btcusdt@depth@100ms", "data": <payload>}
 *   {"ts": <µs since epoch>, "snapshot": "BTCUSDT", "data": {"lastUpdateId", "bids", "asks"}}
 * `data` is handed on as the raw text of the payload, for the frame scanner.
 */
export type RecordingEvent =
  | {
      readonly lineNo: number;
      readonly kind: 'frame';
      readonly tsUs: number;
      readonly stream: string;
      readonly data: string;
    }
  | {
      readonly lineNo: number;
      readonly kind: 'snapshot';
      readonly tsUs: number;
      readonly symbol: string;
      readonly data: string;
    }
  | { readonly lineNo: number; readonly kind: 'malformed'; readonly reason: string };

const FRAME_PREFIX = /^\{"ts":(\d{1,16}),"stream":"([^"\\]*)","data":/;
const SNAPSHOT_PREFIX = /^\{"ts":(\d{1,16}),"snapshot":"([^"\\]*)","data":/;
const SYMBOL = /^[A-Z0-9]{2,20}$/;

/** Parses one non-blank line. */
export function parseRecordingLine(line: string, lineNo: number): RecordingEvent {
  const fast = parseOwnLayout(line, lineNo);
  if (fast) return fast;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return {
      lineNo,
      kind: 'malformed',
      reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { lineNo, kind: 'malformed', reason: 'a line must be a JSON object' };
  }
  const object = parsed as Record<string, unknown>;
  const ts = object.ts;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) {
    return {
      lineNo,
      kind: 'malformed',
      reason: `"ts" must be a non-negative integer of microseconds, got ${JSON.stringify(ts)}`,
    };
  }
  const data = object.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { lineNo, kind: 'malformed', reason: '"data" must be a JSON object' };
  }
  if (typeof object.stream === 'string') {
    return { lineNo, kind: 'frame', tsUs: ts, stream: object.stream, data: JSON.stringify(data) };
  }
  if (typeof object.snapshot === 'string') {
    if (!SYMBOL.test(object.snapshot)) {
      return {
        lineNo,
        kind: 'malformed',
        reason: `"snapshot" must name a symbol like BTCUSDT, got "${object.snapshot}"`,
      };
    }
    return {
      lineNo,
      kind: 'snapshot',
      tsUs: ts,
      symbol: object.snapshot,
      data: JSON.stringify(data),
    };
  }
  return {
    lineNo,
    kind: 'malformed',
    reason: 'a line needs "stream" (a frame) or "snapshot" (a REST snapshot)',
  };
}

/** The writer's own key order: cut the payload out without parsing it. */
function parseOwnLayout(line: string, lineNo: number): RecordingEvent | null {
  let match = FRAME_PREFIX.exec(line);
  const isFrame = match !== null;
  if (!match) match = SNAPSHOT_PREFIX.exec(line);
  if (!match) return null;
  const start = match[0].length;
  const end = jsonContainerEnd(line, start);
  // The payload must close the line (`...}}`); otherwise let JSON.parse judge the line.
  if (
    end < 0 ||
    line.charCodeAt(start) !== 123 ||
    end !== line.length - 1 ||
    line.charCodeAt(end) !== 125
  )
    return null;
  const tsUs = Number(match[1]);
  if (!Number.isSafeInteger(tsUs)) return null;
  const data = line.slice(start, end);
  if (isFrame) return { lineNo, kind: 'frame', tsUs, stream: match[2]!, data };
  if (!SYMBOL.test(match[2]!)) return null;
  return { lineNo, kind: 'snapshot', tsUs, symbol: match[2]!, data };
}

/** The symbol a stream name belongs to: "btcusdt@depth@100ms" → "BTCUSDT". */
export function symbolOfStream(stream: string): string {
  const at = stream.indexOf('@');
  return (at < 0 ? stream : stream.slice(0, at)).toUpperCase();
}
