import { closeSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parseRecordingLine } from './recording-line.js';
import { MAX_LINE_BYTES, openRecordingFd, startsWithGzipMagic } from './recording-reader.js';

/**
 * What a replay does with each line. A frame is bytes[start, end) of the reader's buffer,
 * valid during the call: handed over in place, so no view object is made per line.
 */
export interface RecordingBytesHandler {
  frame(bytes: Uint8Array, start: number, end: number, tsUs: number, lineNo: number): void;
  snapshot(symbol: string, data: string, tsUs: number, lineNo: number): void;
  malformed(lineNo: number, reason: string): void;
}

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const FRAME_HEAD = Buffer.from('{"ts":');
const STREAM_KEY = Buffer.from(',"stream":"');
const DATA_KEY = Buffer.from('","data":');

/**
 * Reads a recording (docs/ARCHITECTURE.md §4, plain or gzip) for a replay at full speed:
 * the file in 1 MiB chunks, each frame line handed over as the range of its `data` bytes
 * in the chunk, so no string and no object is made per frame (the frame scanner reads
 * the bytes in place). Lines in another layout (snapshots, hand-written files, anything
 * odd) go through the general line parser, which also explains a malformed line. Async
 * only per chunk, never per line. Returns the number of non-blank lines; `stop()` true
 * ends the read early.
 */
export async function readRecordingBytes(
  path: string,
  handler: RecordingBytesHandler,
  stop: () => boolean = () => false,
): Promise<number> {
  const fd = openRecordingFd(path);
  const splitter = new LineSplitter(handler);
  try {
    if (!startsWithGzipMagic(fd)) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
        if (n === 0 || stop()) break;
        splitter.push(chunk.subarray(0, n));
      }
    } else {
      const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
      const feed = (async (): Promise<void> => {
        const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        let position = 0;
        for (;;) {
          const n = readSync(fd, chunk, 0, CHUNK_BYTES, position);
          if (n === 0 || stop()) break;
          position += n;
          // Copy: the gunzip stream may hold on to the buffer after write returns.
          if (!gunzip.write(Buffer.from(chunk.subarray(0, n))))
            await new Promise((resolve) => gunzip.once('drain', resolve));
        }
        gunzip.end();
      })();
      try {
        for await (const out of gunzip) {
          splitter.push(out as Buffer);
          if (stop()) {
            gunzip.destroy();
            break;
          }
        }
      } catch (error) {
        // The same one sentence as the line reader: file, what is wrong, where.
        const code = (error as NodeJS.ErrnoException).code ?? '';
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(
          code.startsWith('Z_')
            ? `${path} is not a readable gzip file: ${message} (at line ${splitter.nextLineNo})`
            : `cannot read ${path} at line ${splitter.nextLineNo}: ${message}`,
        );
      } finally {
        await feed.catch(() => undefined);
      }
    }
    splitter.finish();
  } finally {
    closeSync(fd);
  }
  return splitter.lines;
}

/** Splits chunks into lines (a line may straddle chunks) and dispatches each. */
class LineSplitter {
  lines = 0;
  private lineNo = 0;
  private carry: Buffer | null = null;
  /** Inside a line longer than MAX_LINE_BYTES: dropped up to its newline. */
  private overlong = false;

  constructor(private readonly handler: RecordingBytesHandler) {}

  /** The number the line being read will have. */
  get nextLineNo(): number {
    return this.lineNo + 1;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.overlong) {
      const end = chunk.indexOf(NEWLINE);
      if (end < 0) return;
      this.overlong = false;
      this.lineNo++;
      start = end + 1;
    } else if (this.carry !== null) {
      const end = chunk.indexOf(NEWLINE);
      if (end < 0) {
        if (this.carry.length + chunk.length > MAX_LINE_BYTES) return this.tooLong();
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, end)]);
      this.carry = null;
      this.line(joined, 0, joined.length);
      start = end + 1;
    }
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      this.line(chunk, start, end);
      start = end + 1;
    }
    // The chunk buffer is reused by the reader: keep a copy of the unfinished line.
    if (start < chunk.length) {
      if (chunk.length - start > MAX_LINE_BYTES) this.tooLong();
      else this.carry = Buffer.from(chunk.subarray(start));
    }
  }

  /** A line over MAX_LINE_BYTES is reported once and skipped to its end, as the line reader does. */
  private tooLong(): void {
    this.carry = null;
    this.overlong = true;
    this.handler.malformed(
      this.lineNo + 1,
      `line longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB; skipped to its end`,
    );
  }

  finish(): void {
    if (this.overlong) this.lineNo++;
    if (this.carry !== null) {
      const last = this.carry;
      this.carry = null;
      this.line(last, 0, last.length);
    }
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (isBlank(buf, start, end)) return;
    this.lines++;
    if (!this.fastFrame(buf, start, end)) {
      const event = parseRecordingLine(buf.toString('utf8', start, end), this.lineNo);
      if (event.kind === 'frame') {
        const bytes = Buffer.from(event.data);
        this.handler.frame(bytes, 0, bytes.length, event.tsUs, this.lineNo);
      } else if (event.kind === 'snapshot')
        this.handler.snapshot(event.symbol, event.data, event.tsUs, this.lineNo);
      else this.handler.malformed(event.lineNo, event.reason);
    }
  }

  /** `{"ts":<digits>,"stream":"<name>","data":{…}}`: the recorder's own layout. */
  private fastFrame(buf: Buffer, start: number, end: number): boolean {
    if (!startsWith(buf, start, FRAME_HEAD)) return false;
    let at = start + FRAME_HEAD.length;
    let ts = 0;
    const digitsFrom = at;
    for (; at < end; at++) {
      const c = buf[at]!;
      if (c < 0x30 || c > 0x39) break;
      ts = ts * 10 + (c - 0x30);
    }
    if (at === digitsFrom || at - digitsFrom > 16) return false;
    if (!startsWith(buf, at, STREAM_KEY)) return false;
    at += STREAM_KEY.length;
    for (; at < end; at++) {
      const c = buf[at]!;
      if (c === 0x22 /* " */ || c === 0x5c /* \ */) break;
    }
    if (!startsWith(buf, at, DATA_KEY)) return false;
    at += DATA_KEY.length;
    // The payload is an object and the line closes the outer one: `{…}}`.
    if (buf[at] !== 0x7b || buf[end - 1] !== 0x7d || buf[end - 2] !== 0x7d) return false;
    this.handler.frame(buf, at, end - 1, ts, this.lineNo);
    return true;
  }
}

function startsWith(buf: Buffer, at: number, prefix: Buffer): boolean {
  if (at + prefix.length > buf.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
