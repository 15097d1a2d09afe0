// AssemblyScript, compiled by scripts/build-wasm.mjs to dist/main/engine/market/frame-reader.wasm.
//
// A fast path in front of the JavaScript FrameScanner, never a second authority: whatever
// it is not sure of, it refuses, and the scanner reads the same bytes as it always did.
// Where it accepts, it must give exactly the scanner's values (test/unit/market-wasm-reader).
//
// - `frame` reads a whole depthUpdate, trade or bookTicker frame in the exact layout the
//   exchange sends (bare or in the combined-stream wrapper), header included, or returns
//   0. The scanner's per-key dispatch cost ~400 ns a frame, whatever its size; here the
//   header is a few literal compares.
// - `levels` reads one level array, `[["61837.63000000","0.00512000"],...]` — most of a
//   depth frame's bytes — in the exchange's spelling (no blanks, decimals in
//   FrameScanner.readDecimal's one-pass form), or returns -1: the scanner's way in when a
//   depth frame's header is spelled some other way.
//
// Memory (one fixed block, never grown, so the views JavaScript holds stay valid):
// [0, INPUT) AssemblyScript's own; [INPUT, INPUT + INPUT_CAPACITY + SLACK) the frame;
// the header of the last frame `frame` read (HEADER_FIELDS doubles, slots below); then
// prices and quantities of the last levels read, MAX_LEVELS each, in 1e-8 units.

export const INPUT: i32 = 65536;
export const INPUT_CAPACITY: i32 = 1 << 20;
/** 16-byte loads may read this far past a frame's end; the bytes are never trusted. */
const SLACK: i32 = 64;
export const HEADER: i32 = INPUT + INPUT_CAPACITY + SLACK;
export const HEADER_FIELDS: i32 = 16;
export const PRICES: i32 = HEADER + HEADER_FIELDS * 8;
export const MAX_LEVELS: i32 = 1 << 16;
export const QTYS: i32 = PRICES + MAX_LEVELS * 8;
const MAX_SAFE_UNITS: i64 = 9007199254740992; // 2^53

const QUOTE: u8 = 34;
const COMMA: u8 = 44;
const DOT: u8 = 46;
const LBRACKET: u8 = 91;
const RBRACKET: u8 = 93;
const RBRACE: u8 = 125;

/** Value of the last decimal read (1e-8 units). A global: no boxing, no second return. */
let units: i64 = 0;
let levelCount: i32 = 0;

/** Levels in the last array `levels` accepted. */
export function count(): i32 {
  return levelCount;
}

/**
 * `[` at p, the frame ending at end (exclusive). Returns the position after the closing
 * `]` and fills PRICES/QTYS, or -1 to leave the array to the JavaScript scanner.
 */
export function levels(p: i32, end: i32): i32 {
  return levelsFrom(p, end, 0);
}

/** `levels`, writing from slot `first` of PRICES/QTYS (a frame's asks follow its bids). */
function levelsFrom(p: i32, end: i32, first: i32): i32 {
  p++;
  if (p >= end) return -1;
  if (load<u8>(p) == RBRACKET) {
    levelCount = 0;
    return p + 1;
  }
  let n: i32 = 0;
  while (first + n < MAX_LEVELS) {
    if (load<u8>(p) != LBRACKET) return -1;
    p = decimal(p + 1, end);
    if (p < 0 || units <= 0 || load<u8>(p) != COMMA) return -1;
    store<f64>(PRICES + ((first + n) << 3), <f64>units);
    p = decimal(p + 1, end);
    if (p < 0 || p + 1 >= end || load<u8>(p) != RBRACKET) return -1;
    store<f64>(QTYS + ((first + n) << 3), <f64>units);
    n++;
    const c = load<u8>(p + 1);
    p += 2;
    if (c == RBRACKET) {
      levelCount = n;
      return p;
    }
    if (c != COMMA) return -1;
  }
  return -1;
}

/**
 * A quoted decimal at p into `units`; the position after its closing quote, or -1.
 * The usual spelling (at most 8 integer and 8 fraction digits, closing quote within 16
 * bytes) in SIMD, anything else byte by byte.
 */
function decimal(p: i32, end: i32): i32 {
  if (p >= end || load<u8>(p) != QUOTE) return -1;
  const start = p + 1;
  const bytes = v128.load(start);
  const quotes = i8x16.bitmask(i8x16.eq(bytes, i8x16.splat(QUOTE)));
  if (quotes == 0) return decimalByBytes(start, end);
  const q = <i32>ctz(quotes);
  if (start + q >= end) return -1;
  const before = (1 << q) - 1;
  const dots = i8x16.bitmask(i8x16.eq(bytes, i8x16.splat(DOT))) & before;
  if ((dots & (dots - 1)) != 0) return -1; // two dots: the scanner's exact path says why
  const d = dots == 0 ? q : <i32>ctz(dots);
  const fractionDigits = dots == 0 ? 0 : q - d - 1;
  if (d > 8 || fractionDigits > 8) return decimalByBytes(start, end);
  if (d + fractionDigits == 0) return -1; // "" or "."
  const digits = i8x16.sub(bytes, i8x16.splat(48));
  const isDigit = i8x16.bitmask(i8x16.lt_u(digits, i8x16.splat(10)));
  if ((isDigit & before) != (before & ~dots)) return -1;
  // Sixteen digit lanes: the integer part right-aligned in lanes 0-7, the fraction
  // left-aligned in lanes 8-15, zeros elsewhere; read as one number that is the value in
  // 1e-8 units. Lane i takes byte i + d - 8 (low half) or i + d - 7 (high half, past the
  // dot); an index below 0 or at/after the quote selects zero.
  let select = i8x16.add(
    i8x16(0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16),
    i8x16.splat(<i8>(d - 8)),
  );
  select = v128.or(select, i8x16.ge_s(select, i8x16.splat(<i8>q)));
  const lanes = i8x16.swizzle(digits, select);
  const pairs = i16x8.narrow_i32x4_s(
    i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(lanes), i16x8(10, 1, 10, 1, 10, 1, 10, 1)),
    i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(lanes), i16x8(10, 1, 10, 1, 10, 1, 10, 1)),
  );
  const quads = i32x4.dot_i16x8_s(pairs, i16x8(100, 1, 100, 1, 100, 1, 100, 1));
  const halves = i32x4.dot_i16x8_s(
    i16x8.narrow_i32x4_s(quads, quads),
    i16x8(10000, 1, 10000, 1, 0, 0, 0, 0),
  );
  units = <i64>i32x4.extract_lane(halves, 0) * 100_000_000 + <i64>i32x4.extract_lane(halves, 1);
  if (units >= MAX_SAFE_UNITS) return -1;
  return start + q + 1;
}

/** FrameScanner.readDecimal's one pass, for spellings the SIMD form does not cover. */
function decimalByBytes(start: i32, end: i32): i32 {
  let p = start;
  let c = <u32>load<u8>(p);
  let whole: i64 = 0;
  let intDigits = 0;
  while (p < end && c - 48 < 10 && intDigits < 9) {
    whole = whole * 10 + <i64>(c - 48);
    c = load<u8>(++p);
    intDigits++;
  }
  let fraction: i64 = 0;
  let fractionDigits = 0;
  if (p < end && c == DOT) {
    c = load<u8>(++p);
    while (p < end && fractionDigits < 8 && c - 48 < 10) {
      fraction = fraction * 10 + <i64>(c - 48);
      c = load<u8>(++p);
      fractionDigits++;
    }
    while (p < end && c == 48) c = load<u8>(++p);
  }
  if (p >= end || c != QUOTE || intDigits + fractionDigits == 0) return -1;
  let scale: i64 = 1;
  for (let k = fractionDigits; k < 8; k++) scale *= 10;
  units = whole * 100_000_000 + fraction * scale;
  if (units >= MAX_SAFE_UNITS) return -1;
  return p + 1;
}

// ---- whole frames ------------------------------------------------------------------------

// Header slots (doubles at HEADER); main/engine/market/wasm-frame-reader.ts checks that it
// has the same numbers. Each kind writes its own slots only.
export const SLOT_EVENT_TIME: i32 = 0;
export const SLOT_SYMBOL_START: i32 = 1;
export const SLOT_SYMBOL_END: i32 = 2;
export const SLOT_FIRST_UPDATE_ID: i32 = 3;
export const SLOT_LAST_UPDATE_ID: i32 = 4;
export const SLOT_BID_COUNT: i32 = 5;
export const SLOT_ASK_COUNT: i32 = 6;
export const SLOT_TRADE_ID: i32 = 7;
export const SLOT_PRICE: i32 = 8;
export const SLOT_QTY: i32 = 9;
export const SLOT_TRADE_TIME: i32 = 10;
export const SLOT_BUYER_MAKER: i32 = 11;
export const SLOT_BEST_BID_PRICE: i32 = 12;
export const SLOT_BEST_BID_QTY: i32 = 13;
export const SLOT_BEST_ASK_PRICE: i32 = 14;
export const SLOT_BEST_ASK_QTY: i32 = 15;

// What `frame` returns: ParsedFrame's FrameKind codes.
const REFUSED: i32 = 0;
const DEPTH: i32 = 1;
const TRADE: i32 = 2;
const BOOK_TICKER: i32 = 3;

/** Room for the literals: LITERAL_SLOTS of [length: i32][up to 32 bytes]. */
const LITERAL_SLOTS = 8;
const LITERAL_SIZE = 4 + 32;
// memory.data is one static block per call site, so the slots are handed out by count.
const LITERALS = memory.data(LITERAL_SLOTS * LITERAL_SIZE);
let literalsUsed = 0;

/** The literals that open a frame, as bytes (filled once, at start). */
const WRAPPER_OPEN = ascii('{"stream":"');
const WRAPPER_DATA = ascii('","data":');
const DEPTH_OPEN = ascii('{"e":"depthUpdate","E":');
const TRADE_OPEN = ascii('{"e":"trade","E":');
const BOOK_TICKER_OPEN = ascii('{"u":');

/** Static bytes of an ASCII literal: [length: i32][bytes]. */
function ascii(text: string): usize {
  if (text.length > 32 || literalsUsed == LITERAL_SLOTS) unreachable();
  const at = LITERALS + literalsUsed++ * LITERAL_SIZE;
  store<i32>(at, text.length);
  for (let i = 0; i < text.length; i++) store<u8>(at + 4 + i, <u8>text.charCodeAt(i));
  return at;
}

/** Position after `literal` when the frame has it at p (within end), else -1. */
function expect(p: i32, end: i32, literal: usize): i32 {
  const length = load<i32>(literal);
  if (p < 0 || p + length > end) return -1;
  const bytes = literal + 4;
  let i = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(p + i) != load<u64>(bytes + i)) return -1;
  for (; i < length; i++) if (load<u8>(p + i) != load<u8>(bytes + i)) return -1;
  return p + length;
}

/** Position after `,"<name>":` at p (a one-letter key, as all of a frame's are), else -1. */
function key(p: i32, end: i32, name: u8): i32 {
  if (p < 0 || p + 5 > end) return -1;
  if (load<u8>(p) != COMMA || load<u8>(p + 1) != QUOTE || load<u8>(p + 2) != name) return -1;
  if (load<u8>(p + 3) != QUOTE || load<u8>(p + 4) != 58 /* : */) return -1;
  return p + 5;
}

/** Position of the closing quote of a string's content at p (no escape, no control byte), or -1. */
function stringEnd(p: i32, end: i32): i32 {
  if (p < 0) return -1;
  for (; p < end; p++) {
    const c = load<u8>(p);
    if (c == QUOTE) return p;
    if (c == 92 /* \ */ || c < 0x20) return -1;
  }
  return -1;
}

/** A plain integer of 1-15 digits without a leading zero, into `units`; position after it or -1. */
function uint(p: i32, end: i32): i32 {
  if (p < 0) return -1;
  const start = p;
  let value: i64 = 0;
  for (; p < end; p++) {
    const digit = <u32>load<u8>(p) - 48;
    if (digit >= 10) break;
    value = value * 10 + <i64>digit;
  }
  const digits = p - start;
  if (digits == 0 || digits > 15 || (digits > 1 && load<u8>(start) == 48)) return -1;
  units = value;
  return p;
}

/** `,"<name>":` and an integer, stored in `slot`; position after it or -1. */
function uintAt(p: i32, end: i32, name: u8, slot: i32): i32 {
  return uintInto(key(p, end, name), end, slot);
}

/** An unsigned integer at p, stored in `slot`; position after it or -1. */
function uintInto(p: i32, end: i32, slot: i32): i32 {
  p = uint(p, end);
  if (p >= 0) storeSlot(slot, <f64>units);
  return p;
}

/** `,"<name>":` and a quoted decimal, stored in `slot`; position after it or -1. */
function decimalAt(p: i32, end: i32, name: u8, slot: i32): i32 {
  p = key(p, end, name);
  if (p < 0) return -1;
  p = decimal(p, end);
  if (p >= 0) storeSlot(slot, <f64>units);
  return p;
}

/** Value of the last boolean `boolAt` read: 1 or 0. */
let flag: i32 = 0;

/** `,"<name>":` and true or false into `flag`; position after it or -1. */
function boolAt(p: i32, end: i32, name: u8): i32 {
  p = key(p, end, name);
  if (p < 0) return -1;
  // "true" / "false" read as little-endian words.
  if (p + 4 <= end && load<u32>(p) == 0x65757274) {
    flag = 1;
    return p + 4;
  }
  if (p + 5 <= end && load<u32>(p) == 0x736c6166 && load<u8>(p + 4) == 101 /* e */) {
    flag = 0;
    return p + 5;
  }
  return -1;
}

/** `,"s":"<symbol>"`, not empty, its span stored as offsets from `start`; position after it or -1. */
function symbolAt(p: i32, end: i32, start: i32): i32 {
  p = key(p, end, 115 /* s */);
  if (p < 0 || p >= end || load<u8>(p) != QUOTE) return -1;
  const first = p + 1;
  p = stringEnd(first, end);
  if (p <= first) return -1;
  storeSlot(SLOT_SYMBOL_START, <f64>(first - start));
  storeSlot(SLOT_SYMBOL_END, <f64>(p - start));
  return p + 1;
}

function storeSlot(slot: i32, value: f64): void {
  store<f64>(HEADER + (slot << 3), value);
}

/**
 * A whole frame from `start` to `end` in the exchange's layout, bare or in the combined-
 * stream wrapper `{"stream":"<name>","data":<payload>}`, the payload exactly one of
 *   {"e":"depthUpdate","E":<n>,"s":"<symbol>","U":<n>,"u":<n>,"b":[levels],"a":[levels]}
 *   {"e":"trade","E":<n>,"s":"<symbol>","t":<n>,"p":"<d>","q":"<d>","T":<n>,"m":<b>,"M":<b>}
 *   {"u":<n>,"s":"<symbol>","b":"<d>","B":"<d>","a":"<d>","A":"<d>"}
 * Returns its kind (DEPTH, TRADE, BOOK_TICKER) with the header slots set, and for a depth
 * frame the bids then the asks in PRICES/QTYS; or REFUSED, leaving the whole frame to the
 * JavaScript scanner, which takes keys in any order, blanks, escapes and other events.
 */
export function frame(start: i32, end: i32): i32 {
  let p = expect(start, end, WRAPPER_OPEN);
  const wrapped = p >= 0;
  if (wrapped) p = expect(stringEnd(p, end), end, WRAPPER_DATA);
  else p = start;
  if (p < 0) return REFUSED;
  let kind = REFUSED;
  let after = expect(p, end, DEPTH_OPEN);
  if (after >= 0) {
    kind = DEPTH;
    p = depthPayload(after, end, start);
  } else if ((after = expect(p, end, TRADE_OPEN)) >= 0) {
    kind = TRADE;
    p = tradePayload(after, end, start);
  } else if ((after = expect(p, end, BOOK_TICKER_OPEN)) >= 0) {
    kind = BOOK_TICKER;
    p = bookTickerPayload(after, end, start);
  } else {
    return REFUSED;
  }
  // The payload's closing brace, the wrapper's, and nothing after: even a blank is left to
  // the scanner.
  if (p < 0 || p >= end || load<u8>(p) != RBRACE) return REFUSED;
  p++;
  if (wrapped) {
    if (p >= end || load<u8>(p) != RBRACE) return REFUSED;
    p++;
  }
  return p == end ? kind : REFUSED;
}

/** After `{"e":"depthUpdate","E":` up to the payload's closing brace; its position or -1. */
function depthPayload(p: i32, end: i32, start: i32): i32 {
  p = uintInto(p, end, SLOT_EVENT_TIME);
  if (p < 0) return -1;
  p = uintAt(symbolAt(p, end, start), end, 85 /* U */, SLOT_FIRST_UPDATE_ID);
  if (p < 0) return -1;
  const firstUpdateId = units;
  p = uintAt(p, end, 117 /* u */, SLOT_LAST_UPDATE_ID);
  if (p < 0 || firstUpdateId > units) return -1;
  p = key(p, end, 98 /* b */);
  if (p < 0 || load<u8>(p) != LBRACKET) return -1;
  p = levelsFrom(p, end, 0);
  if (p < 0) return -1;
  const bids = levelCount;
  p = key(p, end, 97 /* a */);
  if (p < 0 || load<u8>(p) != LBRACKET) return -1;
  p = levelsFrom(p, end, bids);
  if (p < 0) return -1;
  storeSlot(SLOT_BID_COUNT, <f64>bids);
  storeSlot(SLOT_ASK_COUNT, <f64>levelCount);
  return p;
}

/** After `{"e":"trade","E":` up to the payload's closing brace; its position or -1. */
function tradePayload(p: i32, end: i32, start: i32): i32 {
  p = uintInto(p, end, SLOT_EVENT_TIME);
  if (p < 0) return -1;
  p = uintAt(symbolAt(p, end, start), end, 116 /* t */, SLOT_TRADE_ID);
  p = decimalAt(p, end, 112 /* p */, SLOT_PRICE);
  if (p < 0 || units <= 0) return -1; // a trade at no price: the scanner says why
  p = decimalAt(p, end, 113 /* q */, SLOT_QTY);
  p = uintAt(p, end, 84 /* T */, SLOT_TRADE_TIME);
  p = boolAt(p, end, 109 /* m */);
  if (p < 0) return -1;
  storeSlot(SLOT_BUYER_MAKER, <f64>flag);
  // `M` ("ignore", the exchange says) must still be a boolean, as the scanner requires.
  return boolAt(p, end, 77 /* M */);
}

/** After `{"u":` up to the payload's closing brace; its position or -1. */
function bookTickerPayload(p: i32, end: i32, start: i32): i32 {
  p = uintInto(p, end, SLOT_LAST_UPDATE_ID);
  if (p < 0) return -1;
  p = decimalAt(symbolAt(p, end, start), end, 98 /* b */, SLOT_BEST_BID_PRICE);
  p = decimalAt(p, end, 66 /* B */, SLOT_BEST_BID_QTY);
  p = decimalAt(p, end, 97 /* a */, SLOT_BEST_ASK_PRICE);
  return decimalAt(p, end, 65 /* A */, SLOT_BEST_ASK_QTY);
}
