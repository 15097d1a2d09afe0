import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The depthUpdate reader in WebAssembly (wasm/frame-reader.ts): a fast path in front of
 * FrameScanner for the exchange's own spelling — a whole depth frame, or one level array
 * — SIMD for the decimals. It refuses what it is not sure of, and the scanner then reads
 * the same bytes itself, so the JavaScript reading stays the one authority on what a
 * frame means.
 *
 * One instance per thread, shared by every scanner in it: calls are synchronous and each
 * result is copied out before the next call, and its memory is one fixed 2.5 MiB block.
 */
export class WasmFrameReader {
  /** Longest frame it takes; longer ones stay with the scanner. */
  readonly inputCapacity: number;
  /** Prices and quantities of the last array read, 1e-8 units; views made once. */
  readonly prices: Float64Array;
  readonly qtys: Float64Array;
  /**
   * Header of the last frame `depthFrame` took: E, U, u, its symbol's first and end byte
   * (offsets in the frame), bid and ask counts; bids then asks in prices/qtys.
   */
  readonly header: Float64Array;
  /** Offset of the frame's first byte in `memory`. */
  private readonly inputOffset: number;
  private readonly memory: Uint8Array;
  private readonly readLevels: (pos: number, end: number) => number;
  private readonly levelCount: () => number;
  private readonly readDepthFrame: (start: number, end: number) => number;

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {
      env: {
        // Compiled with --noAssert and no allocation: nothing in it can abort.
        abort: () => {
          throw new Error('frame-reader.wasm aborted');
        },
      },
    });
    const exports = instance.exports as unknown as DepthLevelsExports;
    const buffer = exports.memory.buffer;
    const maxLevels = exports.MAX_LEVELS.value;
    const layoutEnd = exports.QTYS.value + maxLevels * Float64Array.BYTES_PER_ELEMENT;
    if (layoutEnd > buffer.byteLength)
      throw new Error(
        `its memory is ${buffer.byteLength} bytes but its layout needs ${layoutEnd}: raise the pages in scripts/build-wasm.mjs`,
      );
    this.inputOffset = exports.INPUT.value;
    this.inputCapacity = exports.INPUT_CAPACITY.value;
    this.memory = new Uint8Array(buffer);
    this.header = new Float64Array(buffer, exports.HEADER.value, exports.HEADER_FIELDS.value);
    this.prices = new Float64Array(buffer, exports.PRICES.value, maxLevels);
    this.qtys = new Float64Array(buffer, exports.QTYS.value, maxLevels);
    this.readLevels = exports.levels;
    this.levelCount = exports.count;
    this.readDepthFrame = exports.depthFrame;
  }

  /**
   * Copies bytes[start, end) in; false when the frame is longer than the input area. A
   * whole buffer is copied without allocating; a range of a larger one (a replay's read
   * buffer) needs a view of it.
   */
  load(bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (length > this.inputCapacity) return false;
    if (start === 0 && end === bytes.length) this.memory.set(bytes, this.inputOffset);
    else this.memory.set(bytes.subarray(start, end), this.inputOffset);
    // Bytes past the end are a previous frame's: the reader checks every position
    // against the end, and the zero makes a stray read see nothing JSON-like.
    this.memory[this.inputOffset + length] = 0;
    return true;
  }

  /**
   * Reads the level array whose `[` is at `pos` of the loaded frame (`length` bytes).
   * Returns the position after its `]`, with `count()` levels in prices/qtys, or -1.
   */
  levels(pos: number, length: number): number {
    const end = this.readLevels(this.inputOffset + pos, this.inputOffset + length);
    return end < 0 ? -1 : end - this.inputOffset;
  }

  count(): number {
    return this.levelCount();
  }

  /**
   * Reads the loaded frame (`length` bytes) whole when it is a depthUpdate in the
   * exchange's exact layout: true with `header` and the levels set, false to leave it to
   * the scanner.
   */
  depthFrame(length: number): boolean {
    return this.readDepthFrame(this.inputOffset, this.inputOffset + length) === 1;
  }
}

/** wasm/frame-reader.ts's exports: its memory layout as constants, and three functions. */
interface DepthLevelsExports {
  readonly memory: WebAssembly.Memory;
  readonly INPUT: WebAssembly.Global;
  readonly INPUT_CAPACITY: WebAssembly.Global;
  readonly HEADER: WebAssembly.Global;
  readonly HEADER_FIELDS: WebAssembly.Global;
  readonly PRICES: WebAssembly.Global;
  readonly QTYS: WebAssembly.Global;
  readonly MAX_LEVELS: WebAssembly.Global;
  levels(pos: number, end: number): number;
  count(): number;
  depthFrame(start: number, end: number): number;
}

/** Next to this file in dist/ (scripts/build-wasm.mjs writes it there). */
const WASM_FILE = join(__dirname, 'frame-reader.wasm');

let shared: WasmFrameReader | null = null;
let unavailable = '';

/**
 * This thread's reader, or null when WebAssembly SIMD or the module is missing (then
 * `wasmFrameReaderUnavailable()` says why and the scanner reads every array itself).
 */
export function wasmFrameReader(): WasmFrameReader | null {
  if (shared !== null || unavailable !== '') return shared;
  try {
    shared = new WasmFrameReader(new WebAssembly.Module(readFileSync(WASM_FILE)));
  } catch (error) {
    unavailable = `${WASM_FILE}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return shared;
}

/** '' when the WebAssembly reader is in use, else why not. */
export function wasmFrameReaderUnavailable(): string {
  wasmFrameReader();
  return unavailable;
}
