import { FrameScanner } from './frame-scanner.js';
import { parseFrameFallback } from './frame-schema.js';
import { ParsedFrame } from './parsed-frame.js';
import { SymbolTable } from './symbol-table.js';
import { textOf } from './text-of.js';
import { wasmFrameReader, type WasmFrameReader } from './wasm-frame-reader.js';

export const ParseStatus = {
  /** Malformed: counted, frame.kind is NONE, `lastError` says why. */
  MALFORMED: 0,
  /** Parsed by the byte scanner (the hot path). */
  FAST: 1,
  /** Parsed by JSON.parse + zod because the scanner was not certain. */
  FALLBACK: 2,
} as const;
export type ParseStatusCode = (typeof ParseStatus)[keyof typeof ParseStatus];

/**
 * Parses one stream frame (Buffer from the socket, or a string from a recording) into the
 * reused `frame`. Strings are copied into a reused byte buffer so one scanner serves both.
 */
export class FrameParser {
  readonly frame = new ParsedFrame();
  readonly symbols: SymbolTable;
  /** Reason of the last MALFORMED result. */
  lastError = '';
  fastParses = 0;
  fallbackParses = 0;
  malformed = 0;
  private readonly scanner: FrameScanner;
  private scratch = Buffer.alloc(4096);

  /** `reader`: the thread's WebAssembly frame reader by default; null reads in JavaScript alone. */
  constructor(
    symbols: readonly string[] | SymbolTable,
    reader: WasmFrameReader | null = wasmFrameReader(),
  ) {
    this.symbols = symbols instanceof SymbolTable ? symbols : new SymbolTable(symbols);
    this.scanner = new FrameScanner(this.symbols, reader);
  }

  /**
   * Scans bytes[0, length) into `frame` with the byte scanner alone: no counter, no
   * fallback (which allocates). For keep_warm's dry passes; true when it parsed.
   */
  scanOnly(bytes: Uint8Array, length: number): boolean {
    return this.scanner.scan(bytes, 0, length, this.frame);
  }

  /**
   * Parses a frame: a string, or bytes — all of them, or bytes[start, end) of a larger
   * buffer (a replay hands over each line's payload in place, so no view is made per line).
   */
  parse(data: Uint8Array | string, start = 0, end = data.length): ParseStatusCode {
    let bytes: Uint8Array;
    let from = 0;
    let length: number;
    if (typeof data === 'string') {
      // UTF-8 needs at most 3 bytes per UTF-16 unit; grow once, never per frame.
      if (data.length * 3 + 1 > this.scratch.length)
        this.scratch = Buffer.alloc(data.length * 3 + 1024);
      length = this.scratch.write(data, 0, 'utf8');
      this.scratch[length] = 0; // sentinel: bytes past the end never look like JSON
      bytes = this.scratch;
    } else {
      bytes = data;
      from = start;
      length = end;
    }
    this.lastError = '';
    if (this.scanner.scan(bytes, from, length, this.frame)) {
      this.fastParses++;
      return ParseStatus.FAST;
    }
    const problem = parseFrameFallback(textOf(data, from, length), this.symbols, this.frame);
    if (problem === null) {
      this.fallbackParses++;
      return ParseStatus.FALLBACK;
    }
    this.malformed++;
    this.lastError = problem;
    return ParseStatus.MALFORMED;
  }
}
