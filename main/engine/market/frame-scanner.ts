import { parseFixedBytes } from './decimal-bytes.js';
import { FrameKind, type ParsedFrame } from './parsed-frame.js';
import type { SymbolTable } from './symbol-table.js';
import type { WasmFrameReader } from './wasm-frame-reader.js';

/**
 * Single-pass byte scanner for Binance stream frames: a combined-stream wrapper
 * `{"stream": ..., "data": {...}}` or a bare payload (`depthUpdate`, `trade`,
 * `bookTicker`). It writes straight into a reused ParsedFrame: no JSON.parse, no strings,
 * no allocation per level.
 *
 * The scanner is deliberately conservative: it returns true only when it is CERTAIN the
 * frame is valid and what it means; for anything else (escapes, exponents, negative or
 * oversized integers, unknown events, duplicate keys, bad numbers, trailing bytes) it
 * returns false and the caller re-parses with JSON.parse + zod (frame-schema.ts), which is
 * the authority on what is malformed and why. Key order and whitespace do not matter: keys
 * are dispatched by name and values by type, because `b`/`a` are level arrays in
 * depthUpdate, decimal strings in bookTicker and order ids in trade.
 *
 * When this thread has the WebAssembly reader (wasm-frame-reader.ts), a frame goes to it
 * first: a depthUpdate, trade or bookTicker in the exact layout the exchange sends is read
 * there whole, and failing that each level array (most of a depth frame's bytes) in the
 * exchange's spelling. It refuses the rest, which this scanner then reads itself from the
 * same place.
 */

// Bits of the payload keys seen (also catches duplicates, which JSON.parse resolves
// last-wins and which we leave to it).
const SEEN_e = 1 << 0;
const SEEN_E = 1 << 1;
const SEEN_s = 1 << 2;
const SEEN_U = 1 << 3;
const SEEN_u = 1 << 4;
const SEEN_pu = 1 << 5;
const SEEN_b = 1 << 6;
const SEEN_a = 1 << 7;
const SEEN_t = 1 << 8;
const SEEN_p = 1 << 9;
const SEEN_q = 1 << 10;
const SEEN_T = 1 << 11;
const SEEN_m = 1 << 12;
const SEEN_M = 1 << 13;
const SEEN_B = 1 << 14;
const SEEN_A = 1 << 15;

const DEPTH_REQUIRED = SEEN_e | SEEN_E | SEEN_s | SEEN_U | SEEN_u | SEEN_b | SEEN_a;
const TRADE_REQUIRED = SEEN_e | SEEN_E | SEEN_s | SEEN_t | SEEN_p | SEEN_q | SEEN_T | SEEN_m;
const TICKER_REQUIRED = SEEN_u | SEEN_s | SEEN_b | SEEN_B | SEEN_a | SEEN_A;

const VALUE_ARRAY = 1;
const VALUE_STRING = 2;
const VALUE_NUMBER = 3;

const EVENT_NONE = 0;
const EVENT_DEPTH = 1;
const EVENT_TRADE = 2;
const EVENT_TICKER = 3;

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const BACKSLASH = 92;

const MAX_SKIP_DEPTH = 32;

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
/** 15 digits always fit a double exactly; longer ids go to the authoritative path. */
const MAX_UINT_DIGITS = 15;

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const WORD_DEPTH_UPDATE = ascii('depthUpdate');
const WORD_TRADE = ascii('trade');
const WORD_BOOK_TICKER = ascii('bookTicker');
const WORD_STREAM = ascii('stream');
const WORD_DATA = ascii('data');

export class FrameScanner {
  private bytes: Uint8Array = new Uint8Array(0);
  private start = 0;
  private pos = 0;
  private end = 0;
  /** Whether this frame's bytes are in the WebAssembly reader's memory. */
  private inWasm = false;
  private frame!: ParsedFrame;
  private seen = 0;
  private event = EVENT_NONE;
  private bType = 0;
  private aType = 0;
  /**
   * Result of readDecimal / readUint. Numbers travel through this field rather than as
   * return values: a double returned from a call V8 does not inline is boxed on the heap.
   */
  private num = 0;
  /** Content span of the last string read by readString. */
  private strStart = 0;
  private strEnd = 0;

  constructor(
    private readonly symbols: SymbolTable,
    private readonly wasm: WasmFrameReader | null,
  ) {}

  /** Scans bytes[start, end) into frame. True when the frame is certainly valid and complete. */
  scan(bytes: Uint8Array, start: number, end: number, frame: ParsedFrame): boolean {
    this.bytes = bytes;
    this.start = start;
    this.pos = start;
    this.end = end;
    this.inWasm = false;
    this.frame = frame;
    this.seen = 0;
    this.event = EVENT_NONE;
    this.bType = 0;
    this.aType = 0;
    frame.reset();
    if (this.wasm !== null && this.readFrameInWasm()) return true;
    if (!this.scanTopLevel()) return false;
    this.skipWs();
    if (this.pos !== this.end) return false;
    return this.finish();
  }

  private scanTopLevel(): boolean {
    this.skipWs();
    if (this.bytes[this.pos] !== LBRACE) return false;
    this.pos++;
    this.skipWs();
    if (this.bytes[this.pos] === RBRACE) return false;
    if (!this.readString()) return false;
    const keyStart = this.strStart;
    const keyEnd = this.strEnd;
    if (this.keyIs(keyStart, keyEnd, WORD_STREAM) || this.keyIs(keyStart, keyEnd, WORD_DATA)) {
      return this.scanWrapperMembers(keyStart, keyEnd);
    }
    return this.scanPayloadMembers(keyStart, keyEnd, true);
  }

  /** `{"stream": "...", "data": {...}}`, keys in any order, other keys skipped. */
  private scanWrapperMembers(firstKeyStart: number, firstKeyEnd: number): boolean {
    let keyStart = firstKeyStart;
    let keyEnd = firstKeyEnd;
    let sawStream = false;
    let sawData = false;
    for (;;) {
      if (!this.expectColon()) return false;
      if (this.keyIs(keyStart, keyEnd, WORD_STREAM)) {
        if (sawStream || !this.readString()) return false;
        sawStream = true;
      } else if (this.keyIs(keyStart, keyEnd, WORD_DATA)) {
        if (sawData || this.bytes[this.pos] !== LBRACE) return false;
        sawData = true;
        this.pos++;
        this.skipWs();
        if (this.bytes[this.pos] === RBRACE || !this.readString()) return false;
        if (!this.scanPayloadMembers(this.strStart, this.strEnd, false)) return false;
      } else if (!this.skipValue(0)) {
        return false;
      }
      const more = this.afterMember();
      if (more === 0) return false;
      if (more === 2) return sawStream && sawData;
      if (!this.readString()) return false;
      keyStart = this.strStart;
      keyEnd = this.strEnd;
    }
  }

  /**
   * Members of a payload object whose first key has just been read; consumes the '}'.
   * At the top level, a wrapper key after only unknown keys (`{"id":7,"stream":...}`)
   * switches to the wrapper reading, as JSON.parse's reading would.
   */
  private scanPayloadMembers(
    firstKeyStart: number,
    firstKeyEnd: number,
    topLevel: boolean,
  ): boolean {
    let keyStart = firstKeyStart;
    let keyEnd = firstKeyEnd;
    for (;;) {
      if (
        topLevel &&
        (this.keyIs(keyStart, keyEnd, WORD_STREAM) || this.keyIs(keyStart, keyEnd, WORD_DATA))
      ) {
        return this.seen === 0 && this.scanWrapperMembers(keyStart, keyEnd);
      }
      if (!this.expectColon()) return false;
      if (!this.payloadValue(keyStart, keyEnd)) return false;
      const more = this.afterMember();
      if (more === 0) return false;
      if (more === 2) return true;
      if (!this.readString()) return false;
      keyStart = this.strStart;
      keyEnd = this.strEnd;
    }
  }

  /** Reads the value of one payload key at pos. */
  private payloadValue(keyStart: number, keyEnd: number): boolean {
    const bytes = this.bytes;
    const frame = this.frame;
    const length = keyEnd - keyStart;
    const k0 = bytes[keyStart]!;
    if (length === 1) {
      switch (k0) {
        case 101 /* e */: {
          if (!this.mark(SEEN_e) || !this.readString()) return false;
          if (this.keyIs(this.strStart, this.strEnd, WORD_DEPTH_UPDATE)) this.event = EVENT_DEPTH;
          else if (this.keyIs(this.strStart, this.strEnd, WORD_TRADE)) this.event = EVENT_TRADE;
          else if (this.keyIs(this.strStart, this.strEnd, WORD_BOOK_TICKER))
            this.event = EVENT_TICKER;
          else return false; // other events: the fallback marks them IGNORED
          return true;
        }
        case 69 /* E */:
          return this.mark(SEEN_E) && this.readUint() && ((frame.eventTime = this.num), true);
        case 115 /* s */: {
          if (!this.mark(SEEN_s) || !this.readString() || this.strEnd === this.strStart)
            return false;
          frame.symbolIndex = this.symbols.indexOfBytes(bytes, this.strStart, this.strEnd);
          return true;
        }
        case 85 /* U */:
          return this.mark(SEEN_U) && this.readUint() && ((frame.firstUpdateId = this.num), true);
        case 117 /* u */:
          return this.mark(SEEN_u) && this.readUint() && ((frame.lastUpdateId = this.num), true);
        case 98 /* b */:
          if (!this.mark(SEEN_b)) return false;
          return (this.bType = this.readSideValue(true)) !== 0;
        case 97 /* a */:
          if (!this.mark(SEEN_a)) return false;
          return (this.aType = this.readSideValue(false)) !== 0;
        case 116 /* t */:
          return this.mark(SEEN_t) && this.readUint() && ((frame.tradeId = this.num), true);
        case 112 /* p */:
          return this.mark(SEEN_p) && this.readDecimal() && ((frame.price = this.num), true);
        case 113 /* q */:
          return this.mark(SEEN_q) && this.readDecimal() && ((frame.qty = this.num), true);
        case 84 /* T */:
          return this.mark(SEEN_T) && this.readUint() && ((frame.tradeTime = this.num), true);
        case 109 /* m */: {
          if (!this.mark(SEEN_m)) return false;
          const flag = this.readBool();
          frame.buyerMaker = flag === 1;
          return flag >= 0;
        }
        case 77 /* M */:
          return this.mark(SEEN_M) && this.readBool() >= 0;
        case 66 /* B */:
          return this.mark(SEEN_B) && this.readDecimal() && ((frame.bestBidQty = this.num), true);
        case 65 /* A */:
          return this.mark(SEEN_A) && this.readDecimal() && ((frame.bestAskQty = this.num), true);
        default:
          return this.skipValue(0);
      }
    }
    if (length === 2 && k0 === 112 /* p */ && bytes[keyStart + 1] === 117 /* u */) {
      return this.mark(SEEN_pu) && this.readUint() && ((frame.prevUpdateId = this.num), true);
    }
    // Inside "data", "stream"/"data" are just keys the engine does not use.
    return this.skipValue(0);
  }

  /** `b` / `a`: level array (depth), decimal string (bookTicker) or order id (trade). */
  private readSideValue(isBid: boolean): number {
    const c = this.bytes[this.pos];
    if (c === LBRACKET) return this.readLevels(isBid) ? VALUE_ARRAY : 0;
    if (c === QUOTE) {
      if (!this.readDecimal()) return 0;
      const value = this.num;
      if (isBid) this.frame.bestBidPrice = value;
      else this.frame.bestAskPrice = value;
      return VALUE_STRING;
    }
    return this.readUint() ? VALUE_NUMBER : 0;
  }

  /** `[["price","qty"], ...]` with positive prices and valid quantities. */
  private readLevels(isBid: boolean): boolean {
    if (this.wasm !== null && this.readLevelsInWasm(isBid)) return true;
    const bytes = this.bytes;
    const frame = this.frame;
    this.pos++; // '['
    this.skipWs();
    if (bytes[this.pos] === RBRACKET) {
      this.pos++;
      return true;
    }
    for (;;) {
      // The exchange writes `["p","q"]` with no blanks: test for a blank before paying
      // for a skip; other spellings still work.
      if (bytes[this.pos] !== LBRACKET) return false;
      this.pos++;
      if (bytes[this.pos] !== QUOTE) this.skipWs();
      if (!this.readDecimal()) return false;
      const price = this.num;
      if (!(price > 0)) return false;
      if (bytes[this.pos] !== COMMA) {
        this.skipWs();
        if (bytes[this.pos] !== COMMA) return false;
      }
      this.pos++;
      if (bytes[this.pos] !== QUOTE) this.skipWs();
      if (!this.readDecimal()) return false;
      const qty = this.num;
      if (bytes[this.pos] !== RBRACKET) {
        this.skipWs();
        if (bytes[this.pos] !== RBRACKET) return false;
      }
      this.pos++;
      // Stored here rather than through frame.pushBid(price, qty): a call that V8 does
      // not inline would box both doubles, 32 bytes of garbage per level.
      if (isBid) {
        if (frame.bidCount === frame.bidPrices.length) frame.growBids();
        frame.bidPrices[frame.bidCount] = price;
        frame.bidQtys[frame.bidCount++] = qty;
      } else {
        if (frame.askCount === frame.askPrices.length) frame.growAsks();
        frame.askPrices[frame.askCount] = price;
        frame.askQtys[frame.askCount++] = qty;
      }
      let c = bytes[this.pos];
      if (c !== COMMA && c !== RBRACKET) {
        this.skipWs();
        c = bytes[this.pos];
      }
      this.pos++;
      if (c === RBRACKET) return true;
      if (c !== COMMA) return false;
      if (bytes[this.pos] !== LBRACKET) this.skipWs();
    }
  }

  /**
   * The level array at pos through the WebAssembly reader, when the frame is in it.
   * False (pos and frame untouched) when it refuses.
   */
  private readLevelsInWasm(isBid: boolean): boolean {
    // scan() offered the frame first; one the reader could not take stays with us.
    if (!this.inWasm) return false;
    const after = this.wasm!.readLevels(
      this.pos - this.start,
      this.end - this.start,
      this.frame,
      isBid,
    );
    if (after < 0) return false;
    this.pos = this.start + after;
    return true;
  }

  /**
   * The whole frame through the WebAssembly reader when it is in the exchange's layout.
   * False when it refuses; the frame stays loaded for readLevelsInWasm.
   */
  private readFrameInWasm(): boolean {
    const wasm = this.wasm!;
    // A frame too long for it is refused on its length alone, before any copy.
    if (!wasm.load(this.bytes, this.start, this.end)) return false;
    this.inWasm = true;
    if (!wasm.readFrame(this.end - this.start, this.bytes, this.start, this.symbols, this.frame))
      return false;
    this.pos = this.end;
    return true;
  }

  /** Checks the event's required keys and value types; clears fields it does not use. */
  private finish(): boolean {
    const frame = this.frame;
    const seen = this.seen;
    switch (this.event) {
      case EVENT_DEPTH:
        if ((seen & DEPTH_REQUIRED) !== DEPTH_REQUIRED) return false;
        if (this.bType !== VALUE_ARRAY || this.aType !== VALUE_ARRAY) return false;
        if (frame.firstUpdateId > frame.lastUpdateId) return false;
        frame.kind = FrameKind.DEPTH;
        clearTrade(frame);
        clearTicker(frame);
        return true;
      case EVENT_TRADE:
        if ((seen & TRADE_REQUIRED) !== TRADE_REQUIRED) return false;
        if (
          (this.bType !== 0 && this.bType !== VALUE_NUMBER) ||
          (this.aType !== 0 && this.aType !== VALUE_NUMBER)
        ) {
          return false;
        }
        if (!(frame.price > 0)) return false;
        frame.kind = FrameKind.TRADE;
        clearDepth(frame);
        clearTicker(frame);
        return true;
      case EVENT_TICKER:
      case EVENT_NONE:
        if ((seen & TICKER_REQUIRED) !== TICKER_REQUIRED) return false;
        if (this.bType !== VALUE_STRING || this.aType !== VALUE_STRING) return false;
        frame.kind = FrameKind.BOOK_TICKER;
        frame.firstUpdateId = 0;
        frame.prevUpdateId = -1;
        frame.bidCount = 0;
        frame.askCount = 0;
        clearTrade(frame);
        return true;
      default:
        return false;
    }
  }

  private mark(bit: number): boolean {
    if ((this.seen & bit) !== 0) return false;
    this.seen |= bit;
    return true;
  }

  private keyIs(start: number, end: number, word: Uint8Array): boolean {
    if (end - start !== word.length) return false;
    const bytes = this.bytes;
    for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
    return true;
  }

  private skipWs(): void {
    const bytes = this.bytes;
    let pos = this.pos;
    const end = this.end;
    while (pos < end) {
      const c = bytes[pos]!;
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
      pos++;
    }
    this.pos = pos;
  }

  private expectColon(): boolean {
    this.skipWs();
    if (this.bytes[this.pos] !== COLON) return false;
    this.pos++;
    this.skipWs();
    return true;
  }

  /** After a member: 1 = another member follows (pos at its key), 2 = object closed, 0 = bad. */
  private afterMember(): number {
    this.skipWs();
    const c = this.bytes[this.pos];
    this.pos++;
    if (c === RBRACE) return 2;
    if (c !== COMMA) return 0;
    this.skipWs();
    return 1;
  }

  /** A string without escapes or control characters; sets strStart/strEnd. */
  private readString(): boolean {
    const bytes = this.bytes;
    if (bytes[this.pos] !== QUOTE) return false;
    const start = this.pos + 1;
    const end = this.end;
    let i = start;
    while (i < end) {
      const c = bytes[i]!;
      if (c === QUOTE) {
        this.strStart = start;
        this.strEnd = i;
        this.pos = i + 1;
        return true;
      }
      if (c === BACKSLASH || c < 0x20) return false;
      i++;
    }
    return false;
  }

  /**
   * A quoted decimal at pos → 1e-8 units, or NaN. One pass for the exchange's usual
   * spelling ("61837.63000000"); anything else goes through readString + parseFixedBytes,
   * which implement shared/domain.ts parseFixed's rules exactly.
   */
  private readDecimal(): boolean {
    const bytes = this.bytes;
    const start = this.pos;
    if (bytes[start] !== QUOTE) return false;
    let p = start + 1;
    let c = bytes[p]!;
    // Integer and fraction digits in two int32 chains (shorter dependency chains than one
    // double multiply-add per digit); more than 9 integer digits takes the slow path.
    let whole = 0;
    let intDigits = 0;
    while (c >= 48 && c <= 57 && intDigits < 9) {
      whole = (whole * 10 + (c - 48)) | 0;
      c = bytes[++p]!;
      intDigits++;
    }
    let frac = 0;
    let fracDigits = 0;
    if (c === 46 /* . */) {
      c = bytes[++p]!;
      while (fracDigits < 8 && c >= 48 && c <= 57) {
        frac = (frac * 10 + (c - 48)) | 0;
        c = bytes[++p]!;
        fracDigits++;
      }
      while (c === 48) c = bytes[++p]!;
    }
    if (c === QUOTE && p < this.end && intDigits + fracDigits > 0) {
      const units = whole * 100_000_000 + frac * POWERS_OF_TEN[8 - fracDigits]!;
      if (intDigits > 7 && !Number.isSafeInteger(units)) return false;
      this.pos = p + 1;
      this.num = units;
      return true;
    }
    // Unusual spelling (escapes, a digit after 8 decimals, a sign, long integers...): the
    // exact slow path.
    if (!this.readString()) return false;
    this.num = parseFixedBytes(bytes, this.strStart, this.strEnd);
    return this.num === this.num; // false for NaN
  }

  /** A plain non-negative integer of at most 15 digits into `num`; false otherwise. */
  private readUint(): boolean {
    const bytes = this.bytes;
    let pos = this.pos;
    const start = pos;
    let value = 0;
    while (pos < this.end) {
      const c = bytes[pos]!;
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      pos++;
    }
    const digits = pos - start;
    if (digits === 0 || digits > MAX_UINT_DIGITS) return false;
    if (digits > 1 && bytes[start] === 48) return false;
    const next = bytes[pos];
    if (next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */) return false;
    this.pos = pos;
    this.num = value;
    return true;
  }

  /** 1 for true, 0 for false, -1 otherwise. */
  private readBool(): number {
    const bytes = this.bytes;
    const p = this.pos;
    if (bytes[p] === 116 && bytes[p + 1] === 114 && bytes[p + 2] === 117 && bytes[p + 3] === 101) {
      this.pos = p + 4;
      return 1;
    }
    if (
      bytes[p] === 102 &&
      bytes[p + 1] === 97 &&
      bytes[p + 2] === 108 &&
      bytes[p + 3] === 115 &&
      bytes[p + 4] === 101
    ) {
      this.pos = p + 5;
      return 0;
    }
    return -1;
  }

  /** Skips any JSON value of a key the engine does not use, validating its grammar. */
  private skipValue(depth: number): boolean {
    if (depth > MAX_SKIP_DEPTH) return false;
    const bytes = this.bytes;
    const c = bytes[this.pos];
    if (c === QUOTE) return this.readString();
    if (c === LBRACE || c === LBRACKET) {
      const close = c === LBRACE ? RBRACE : RBRACKET;
      this.pos++;
      this.skipWs();
      if (bytes[this.pos] === close) {
        this.pos++;
        return true;
      }
      for (;;) {
        if (c === LBRACE) {
          if (!this.readString() || !this.expectColon()) return false;
        }
        if (!this.skipValue(depth + 1)) return false;
        this.skipWs();
        const next = bytes[this.pos];
        this.pos++;
        if (next === close) return true;
        if (next !== COMMA) return false;
        this.skipWs();
      }
    }
    if (c === 116 /* t */ || c === 102 /* f */) return this.readBool() >= 0;
    if (c === 110 /* n */) {
      if (
        bytes[this.pos + 1] === 117 &&
        bytes[this.pos + 2] === 108 &&
        bytes[this.pos + 3] === 108
      ) {
        this.pos += 4;
        return true;
      }
      return false;
    }
    return this.skipNumber();
  }

  /** JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  private skipNumber(): boolean {
    const bytes = this.bytes;
    let p = this.pos;
    if (bytes[p] === 45 /* - */) p++;
    const intStart = p;
    while (isDigit(bytes[p])) p++;
    if (p === intStart || (p - intStart > 1 && bytes[intStart] === 48)) return false;
    if (bytes[p] === 46) {
      p++;
      const fracStart = p;
      while (isDigit(bytes[p])) p++;
      if (p === fracStart) return false;
    }
    if (bytes[p] === 101 || bytes[p] === 69) {
      p++;
      if (bytes[p] === 43 || bytes[p] === 45) p++;
      const expStart = p;
      while (isDigit(bytes[p])) p++;
      if (p === expStart) return false;
    }
    if (p > this.end) return false;
    this.pos = p;
    return true;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function clearTrade(frame: ParsedFrame): void {
  frame.tradeId = 0;
  frame.tradeTime = 0;
  frame.price = 0;
  frame.qty = 0;
  frame.buyerMaker = false;
}

function clearTicker(frame: ParsedFrame): void {
  frame.bestBidPrice = 0;
  frame.bestBidQty = 0;
  frame.bestAskPrice = 0;
  frame.bestAskQty = 0;
}

function clearDepth(frame: ParsedFrame): void {
  frame.firstUpdateId = 0;
  frame.lastUpdateId = 0;
  frame.prevUpdateId = -1;
  frame.bidCount = 0;
  frame.askCount = 0;
}
