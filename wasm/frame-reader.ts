// AssemblyScript, compiled by scripts/build-wasm.mjs to dist/main/engine/market/frame-reader.wasm.
//
// The level arrays of a depthUpdate frame, `[["61837.63000000","0.00512000"],...]`, are
// most of its bytes and most of its parse time. This reads them in the exchange's own
// spelling only: no blanks, decimals as FrameScanner.readDecimal's one-pass form. It is a
// fast path in front of that scanner, never a second authority: whatever it is not sure
// of, it refuses (-1), and the JavaScript scanner reads the same bytes from the same place.
// Where it accepts, it must give exactly the scanner's values (test/unit/market-wasm-reader).
//
// `depthFrame` goes one step further for the same reason: a whole depthUpdate frame in
// the exact layout the exchange sends, header included, or a refusal (0) after which the
// scanner reads the frame as it always did. The header is a third of the scanner's time
// on a frame (its per-key dispatch, ~400 ns, against ~60 ns here).
//
// Memory (one fixed block, never grown, so the views JavaScript holds stay valid):
// [0, INPUT) AssemblyScript's own; [INPUT, INPUT + INPUT_CAPACITY + SLACK) the frame;
// the header of the last frame `depthFrame` read (HEADER_FIELDS doubles); then prices and
// quantities of the last levels read, MAX_LEVELS each, in 1e-8 units.

export const INPUT: i32 = 65536;
export const INPUT_CAPACITY: i32 = 1 << 20;
/** 16-byte loads may read this far past a frame's end; the bytes are never trusted. */
const SLACK: i32 = 64;
export const HEADER: i32 = INPUT + INPUT_CAPACITY + SLACK;
/** Doubles at HEADER: E, U, u, the symbol's first and end byte (frame offsets), bid and ask counts. */
export const HEADER_FIELDS: i32 = 7;
export const PRICES: i32 = HEADER + 64;
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

// ---- whole depthUpdate frames ------------------------------------------------------------

/** Room for the literals: LITERAL_SLOTS of [length: i32][up to 32 bytes]. */
const LITERAL_SLOTS = 8;
const LITERAL_SIZE = 4 + 32;
// memory.data is one static block per call site, so the slots are handed out by count.
const LITERALS = memory.data(LITERAL_SLOTS * LITERAL_SIZE);
let literalsUsed = 0;

/** The literals between a depth frame's values, as bytes (filled once, at start). */
const WRAPPER_OPEN = ascii('{"stream":"');
const WRAPPER_DATA = ascii('","data":');
const PAYLOAD_OPEN = ascii('{"e":"depthUpdate","E":');
const KEY_S = ascii(',"s":"');
const KEY_U = ascii('","U":');
const KEY_LOWER_U = ascii(',"u":');
const KEY_B = ascii(',"b":');
const KEY_A = ascii(',"a":');

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

/** Position of the closing quote of a string's content at p (no escape, no control byte), or -1. */
function stringEnd(p: i32, end: i32): i32 {
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

/**
 * A whole depthUpdate frame in the exchange's layout, bare or in the combined-stream
 * wrapper, from `start` to `end`: `{"stream":"<name>","data":{"e":"depthUpdate","E":<n>,
 * "s":"<symbol>","U":<n>,"u":<n>,"b":[levels],"a":[levels]}}`. Returns 1 with the header
 * at HEADER and the bids then the asks in PRICES/QTYS, or 0 to leave the whole frame to the
 * JavaScript scanner, which takes keys in any order, blanks, escapes and other events.
 */
export function depthFrame(start: i32, end: i32): i32 {
  let p = expect(start, end, WRAPPER_OPEN);
  const wrapped = p >= 0;
  if (wrapped) {
    p = stringEnd(p, end);
    if (p < 0) return 0;
    p = expect(p, end, WRAPPER_DATA);
  } else {
    p = start;
  }
  p = expect(p, end, PAYLOAD_OPEN);
  if (p < 0) return 0;
  p = uint(p, end);
  if (p < 0) return 0;
  const eventTime = units;
  p = expect(p, end, KEY_S);
  if (p < 0) return 0;
  const symbolStart = p;
  p = stringEnd(p, end);
  if (p <= symbolStart) return 0;
  const symbolEnd = p;
  p = uint(expect(p, end, KEY_U), end);
  if (p < 0) return 0;
  const firstUpdateId = units;
  p = uint(expect(p, end, KEY_LOWER_U), end);
  if (p < 0 || firstUpdateId > units) return 0;
  const lastUpdateId = units;
  p = expect(p, end, KEY_B);
  if (p < 0 || load<u8>(p) != LBRACKET) return 0;
  p = levelsFrom(p, end, 0);
  if (p < 0) return 0;
  const bids = levelCount;
  p = expect(p, end, KEY_A);
  if (p < 0 || load<u8>(p) != LBRACKET) return 0;
  p = levelsFrom(p, end, bids);
  if (p < 0 || p >= end || load<u8>(p) != RBRACE) return 0;
  p++;
  if (wrapped) {
    if (p >= end || load<u8>(p) != RBRACE) return 0;
    p++;
  }
  if (p != end) return 0; // anything after, even a blank: the scanner decides
  store<f64>(HEADER, <f64>eventTime);
  store<f64>(HEADER + 8, <f64>firstUpdateId);
  store<f64>(HEADER + 16, <f64>lastUpdateId);
  store<f64>(HEADER + 24, <f64>(symbolStart - start));
  store<f64>(HEADER + 32, <f64>(symbolEnd - start));
  store<f64>(HEADER + 40, <f64>bids);
  store<f64>(HEADER + 48, <f64>levelCount);
  return 1;
}
