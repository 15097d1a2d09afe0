import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameKind, type ParsedFrame } from './parsed-frame.js';
import type { SymbolTable } from './symbol-table.js';

/**
 * Header slots of wasm/frame-reader.ts (doubles at its HEADER), declared there and here;
 * the constructor checks that both say the same.
 */
const Slot = {
  EVENT_TIME: 0,
  SYMBOL_START: 1,
  SYMBOL_END: 2,
  FIRST_UPDATE_ID: 3,
  LAST_UPDATE_ID: 4,
  BID_COUNT: 5,
  ASK_COUNT: 6,
  TRADE_ID: 7,
  PRICE: 8,
  QTY: 9,
  TRADE_TIME: 10,
  BUYER_MAKER: 11,
  BEST_BID_PRICE: 12,
  BEST_BID_QTY: 13,
  BEST_ASK_PRICE: 14,
  BEST_ASK_QTY: 15,
} as const;
const HEADER_FIELDS = 16;

/**
 * The stream frame reader in WebAssembly (wasm/frame-reader.ts): a fast path in front of
 * FrameScanner for the exchange's own spelling — a whole depthUpdate, trade or bookTicker
 * frame, or one level array — SIMD for the decimals. It refuses what it is not sure of,
 * and the scanner then reads the same bytes itself, so the JavaScript reading stays the
 * one authority on what a frame means.
 *
 * One instance per thread, shared by every scanner in it: calls are synchronous and each
 * result is copied out before the next call, and its memory is one fixed 2.5 MiB block.
 */
export class WasmFrameReader {
  /** Longest frame it takes; longer ones stay with the scanner. */
  readonly inputCapacity: number;
  /** Offset of the frame's first byte in `memory`. */
  private readonly inputOffset: number;
  private readonly memory: Uint8Array;
  /** The last frame's header slots, and the levels last read; views made once. */
  private readonly header: Float64Array;
  private readonly prices: Float64Array;
  private readonly qtys: Float64Array;
  /** The module's functions (wasm/frame-reader.ts). */
  private readonly levelsExport: (pos: number, end: number) => number;
  private readonly countExport: () => number;
  private readonly frameExport: (start: number, end: number) => number;

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {
      env: {
        // Compiled with --noAssert and no allocation: nothing in it can abort.
        abort: () => {
          throw new Error('frame-reader.wasm aborted');
        },
      },
    });
    const exports = instance.exports as unknown as FrameReaderExports;
    checkHeaderSlots(exports);
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
    this.header = new Float64Array(buffer, exports.HEADER.value, HEADER_FIELDS);
    this.prices = new Float64Array(buffer, exports.PRICES.value, maxLevels);
    this.qtys = new Float64Array(buffer, exports.QTYS.value, maxLevels);
    this.levelsExport = exports.levels;
    this.countExport = exports.count;
    this.frameExport = exports.frame;
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
   * Reads the loaded frame, `length` bytes, whole when it is a depthUpdate, trade or
   * bookTicker in the exchange's layout: fills `frame` (just reset, so only the event's
   * own fields are set) and returns true. False leaves the frame to the scanner. The
   * symbol is looked up in `bytes` from `start`, where the frame came from.
   */
  readFrame(
    length: number,
    bytes: Uint8Array,
    start: number,
    symbols: SymbolTable,
    frame: ParsedFrame,
  ): boolean {
    const kind = this.frameExport(this.inputOffset, this.inputOffset + length);
    if (kind !== FrameKind.DEPTH && kind !== FrameKind.TRADE && kind !== FrameKind.BOOK_TICKER)
      return false;
    const header = this.header;
    frame.symbolIndex = symbols.indexOfBytes(
      bytes,
      start + header[Slot.SYMBOL_START]!,
      start + header[Slot.SYMBOL_END]!,
    );
    if (kind === FrameKind.DEPTH) {
      const bids = header[Slot.BID_COUNT]!;
      frame.eventTime = header[Slot.EVENT_TIME]!;
      frame.firstUpdateId = header[Slot.FIRST_UPDATE_ID]!;
      frame.lastUpdateId = header[Slot.LAST_UPDATE_ID]!;
      this.levelsInto(frame, true, 0, bids);
      this.levelsInto(frame, false, bids, header[Slot.ASK_COUNT]!);
    } else if (kind === FrameKind.TRADE) {
      frame.eventTime = header[Slot.EVENT_TIME]!;
      frame.tradeId = header[Slot.TRADE_ID]!;
      frame.price = header[Slot.PRICE]!;
      frame.qty = header[Slot.QTY]!;
      frame.tradeTime = header[Slot.TRADE_TIME]!;
      frame.buyerMaker = header[Slot.BUYER_MAKER] === 1;
    } else {
      frame.lastUpdateId = header[Slot.LAST_UPDATE_ID]!;
      frame.bestBidPrice = header[Slot.BEST_BID_PRICE]!;
      frame.bestBidQty = header[Slot.BEST_BID_QTY]!;
      frame.bestAskPrice = header[Slot.BEST_ASK_PRICE]!;
      frame.bestAskQty = header[Slot.BEST_ASK_QTY]!;
    }
    frame.kind = kind;
    return true;
  }

  /**
   * Reads the level array whose `[` is at `pos` of the loaded frame (`length` bytes) into
   * the frame's bids or asks. Returns the position after its `]`, or -1 (frame untouched).
   */
  readLevels(pos: number, length: number, frame: ParsedFrame, isBid: boolean): number {
    const end = this.levelsExport(this.inputOffset + pos, this.inputOffset + length);
    if (end < 0) return -1;
    this.levelsInto(frame, isBid, 0, this.countExport());
    return end - this.inputOffset;
  }

  /** n levels from slot `from` into the frame's bids or asks. */
  private levelsInto(frame: ParsedFrame, isBid: boolean, from: number, n: number): void {
    if (isBid) {
      while (frame.bidPrices.length < n) frame.growBids();
      copyLevels(this.prices, this.qtys, from, frame.bidPrices, frame.bidQtys, n);
      frame.bidCount = n;
    } else {
      while (frame.askPrices.length < n) frame.growAsks();
      copyLevels(this.prices, this.qtys, from, frame.askPrices, frame.askQtys, n);
      frame.askCount = n;
    }
  }
}

/** n levels from slot `from`. A loop, not `set(subarray)`: a subarray is an allocation per array. */
function copyLevels(
  fromPrices: Float64Array,
  fromQtys: Float64Array,
  from: number,
  toPrices: Float64Array,
  toQtys: Float64Array,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    toPrices[i] = fromPrices[from + i]!;
    toQtys[i] = fromQtys[from + i]!;
  }
}

function checkHeaderSlots(exports: FrameReaderExports): void {
  const slots = exports as unknown as Record<string, WebAssembly.Global | undefined>;
  if (exports.HEADER_FIELDS.value !== HEADER_FIELDS)
    throw new Error(
      `its header has ${exports.HEADER_FIELDS.value} slots, this loader ${HEADER_FIELDS}`,
    );
  for (const [name, slot] of Object.entries(Slot)) {
    const theirs = slots[`SLOT_${name}`]?.value as unknown;
    if (theirs !== slot)
      throw new Error(
        `header slot ${name} is ${String(theirs)} in wasm/frame-reader.ts but ${slot} in wasm-frame-reader.ts`,
      );
  }
}

/** wasm/frame-reader.ts's exports: its memory layout as constants, and three functions. */
interface FrameReaderExports {
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
  frame(start: number, end: number): number;
}

/** Next to this file in dist/ (scripts/build-wasm.mjs writes it there). */
const WASM_FILE = join(__dirname, 'frame-reader.wasm');

let shared: WasmFrameReader | null = null;
let unavailable = '';

/**
 * This thread's reader, or null when WebAssembly SIMD or the module is missing (then
 * `wasmFrameReaderUnavailable()` says why and the scanner reads every frame itself).
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
