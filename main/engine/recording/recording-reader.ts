import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseRecordingLine, type RecordingEvent } from './recording-line.js';

/**
 * The longest line a recording may hold (docs/ARCHITECTURE.md §4). Binance's largest message, a
 * 5,000-level snapshot, is about 250 KB; a longer line is a broken file (or /dev/zero),
 * and holding it whole would exhaust memory before anything could be said about it.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Opens a recording for reading; a missing or unopenable file is one sentence naming it. */
export function openRecordingFd(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path} does not exist`
        : `cannot open ${path}: ${(error as Error).message}`,
    );
  }
}

/** Whether the open file starts with gzip's magic bytes (1f 8b). */
export function startsWithGzipMagic(fd: number): boolean {
  const magic = Buffer.alloc(2);
  return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

/** Opens a file as a byte stream, gunzipping when it starts with the gzip magic bytes. */
function openFile(path: string): { stream: Readable; gzipped: boolean } {
  const fd = openRecordingFd(path);
  let gzipped: boolean;
  try {
    gzipped = startsWithGzipMagic(fd);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
  const file = createReadStream(path);
  if (gzipped) {
    const gunzip = createGunzip();
    file.on('error', (error) => gunzip.destroy(error));
    return { stream: file.pipe(gunzip), gzipped: true };
  }
  return { stream: file, gzipped: false };
}

/** A line of text, or one that was too long to hold (skipped to its end). */
export type TextLine =
  | { readonly lineNo: number; readonly line: string }
  | { readonly lineNo: number; readonly line: null; readonly reason: string };

/**
 * Lines of a (possibly gzipped) text file with their 1-based numbers; blank lines skipped.
 * A line longer than `maxLineBytes` is yielded once, as soon as it passes the cap, with
 * `line: null`; its remaining bytes are discarded up to its newline and reading goes on.
 * A read or decompression failure is thrown as one sentence naming the file and line.
 */
export async function* readLines(
  path: string,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<TextLine> {
  const { stream, gzipped } = openFile(path);
  let pieces: Buffer[] = [];
  let length = 0;
  let lineNo = 0;
  let overlong = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(10, start);
        const end = newline < 0 ? chunk.length : newline;
        if (!overlong) {
          if (length + (end - start) > maxLineBytes) {
            overlong = true;
            pieces = [];
            length = 0;
            yield {
              lineNo: lineNo + 1,
              line: null,
              reason: `line longer than ${describeBytes(maxLineBytes)}; skipped to its end`,
            };
          } else if (end > start) {
            pieces.push(chunk.subarray(start, end));
            length += end - start;
          }
        }
        if (newline < 0) break;
        lineNo++;
        if (!overlong) {
          const line = decodeLine(pieces, length);
          if (line.trim() !== '') yield { lineNo, line };
        }
        pieces = [];
        length = 0;
        overlong = false;
        start = newline + 1;
      }
    }
  } catch (error) {
    stream.destroy();
    throw new Error(describeReadFailure(path, lineNo + 1, gzipped, error));
  }
  if (length > 0 && !overlong) {
    const line = decodeLine(pieces, length);
    if (line.trim() !== '') yield { lineNo: lineNo + 1, line };
  }
}

function decodeLine(pieces: readonly Buffer[], length: number): string {
  const text = (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length)).toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function describeReadFailure(
  path: string,
  lineNo: number,
  gzipped: boolean,
  error: unknown,
): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (gzipped && code.startsWith('Z_')) {
    return `${path} is not a readable gzip file: ${message} (at line ${lineNo})`;
  }
  return `cannot read ${path} at line ${lineNo}: ${message}`;
}

/**
 * Streams a recording (docs/ARCHITECTURE.md §4), plain or .gz, one event per non-blank line. A bad
 * line (including one over MAX_LINE_BYTES) is yielded as `malformed` with its line number
 * and reason; reading goes on.
 */
export async function* readRecording(path: string): AsyncGenerator<RecordingEvent> {
  for await (const text of readLines(path)) {
    yield text.line === null
      ? { lineNo: text.lineNo, kind: 'malformed', reason: text.reason }
      : parseRecordingLine(text.line, text.lineNo);
  }
}
