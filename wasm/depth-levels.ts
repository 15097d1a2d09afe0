// AssemblyScript, compiled by scripts/build-wasm.mjs to dist/main/engine/market/depth-levels.wasm.
//
// The level arrays of a depthUpdate frame, `[["61837.63000000","0.00512000"],...]`, are
// most of its bytes and most of its parse time. This reads them in the exchange's own
// spelling only: no blanks, decimals as FrameScanner.readDecimal's one-pass form. It is a
// fast path in front of that scanner, never a second authority: whatever it is not sure
// of, it refuses (-1), and the JavaScript scanner reads the same bytes from the same place.
// Where it accepts, it must give exactly the scanner's values (test/unit/market-wasm-levels).
//
// Memory (one fixed block, never grown, so the views JavaScript holds stay valid):
// [0, INPUT) AssemblyScript's own; [INPUT, INPUT + INPUT_CAPACITY + SLACK) the frame;
// then prices and quantities of the last array read, MAX_LEVELS each, in 1e-8 units.

export const INPUT: i32 = 65536;
export const INPUT_CAPACITY: i32 = 1 << 20;
/** 16-byte loads may read this far past a frame's end; the bytes are never trusted. */
const SLACK: i32 = 64;
export const PRICES: i32 = INPUT + INPUT_CAPACITY + SLACK;
export const MAX_LEVELS: i32 = 1 << 16;
export const QTYS: i32 = PRICES + MAX_LEVELS * 8;
const MAX_SAFE_UNITS: i64 = 9007199254740992; // 2^53

const QUOTE: u8 = 34;
const COMMA: u8 = 44;
const DOT: u8 = 46;
const LBRACKET: u8 = 91;
const RBRACKET: u8 = 93;

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
  p++;
  if (p >= end) return -1;
  if (load<u8>(p) == RBRACKET) {
    levelCount = 0;
    return p + 1;
  }
  let n: i32 = 0;
  while (n < MAX_LEVELS) {
    if (load<u8>(p) != LBRACKET) return -1;
    p = decimal(p + 1, end);
    if (p < 0 || units <= 0 || load<u8>(p) != COMMA) return -1;
    store<f64>(PRICES + (n << 3), <f64>units);
    p = decimal(p + 1, end);
    if (p < 0 || p + 1 >= end || load<u8>(p) != RBRACKET) return -1;
    store<f64>(QTYS + (n << 3), <f64>units);
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
