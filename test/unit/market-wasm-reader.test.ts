import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FrameParser, ParseStatus } from '../../main/engine/market/frame-parser.js';
import { summarizeFrame } from '../../main/engine/market/parsed-frame.js';
import {
  wasmFrameReader,
  wasmFrameReaderUnavailable,
} from '../../main/engine/market/wasm-frame-reader.js';
import { Rng } from '../../main/engine/core/rng.js';
import { FIXTURE_DIR, depthFrame } from './market-helpers.js';

// The WebAssembly reader is a fast path in front of the JavaScript scanner — whole depth
// frames in the exchange's layout, and level arrays: where it reads, it must read exactly
// what the scanner alone reads; where it is unsure it must refuse. market-parser-differential.test.ts runs every frame of its generators through
// both; these are the cases that only the reader's own limits and memory can get wrong.

const reader = wasmFrameReader();
const withWasm = new FrameParser(['BTCUSDT', 'ETHUSDT'], reader);
const alone = new FrameParser(['BTCUSDT', 'ETHUSDT'], null);

/** Both parsers on the same input: same status, same error, same frame. */
function assertSame(data: Uint8Array | string, context: string, start = 0, end = data.length) {
  const status = withWasm.parse(data, start, end);
  const statusAlone = alone.parse(data, start, end);
  assert.equal(status, statusAlone, `${context}: status`);
  assert.equal(withWasm.lastError, alone.lastError, `${context}: error`);
  assert.deepEqual(summarizeFrame(withWasm.frame), summarizeFrame(alone.frame), context);
  return status;
}

function recordedDepthFrames(file: string): Buffer[] {
  const text = gunzipSync(readFileSync(join(FIXTURE_DIR, file))).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.includes('@depth'))
    .map((line) => Buffer.from(line.slice(line.indexOf(' ') + 1)));
}

test('the build carries the WebAssembly reader and it reads every level array of the real recordings itself', () => {
  assert.equal(wasmFrameReaderUnavailable(), '');
  assert.ok(reader !== null);
  let arrays = 0;
  for (const file of [
    'hftbacktest-binance-spot-btcusdt-20240808.gz',
    'hftbacktest-binance-spot-ethusdt-20240808.gz',
  ]) {
    for (const frame of recordedDepthFrames(file)) {
      assert.equal(assertSame(frame, `recorded frame ${arrays}`), ParseStatus.FAST);
      // Not refused and left to the scanner: the reader took the frame whole, and each
      // array on its own.
      assert.ok(reader.load(frame, 0, frame.length));
      assert.ok(reader.depthFrame(frame.length), `${file}: whole frame ${frame}`);
      for (const key of ['"b":[', '"a":[']) {
        const at = frame.indexOf(key) + key.length - 1;
        assert.ok(reader.levels(at, frame.length) > at, `${file}: ${key} of ${frame}`);
        arrays++;
      }
    }
  }
  assert.ok(arrays > 13_000, `arrays read: ${arrays}`);
});

test('decimals of every length, with and without a dot, trailing zeros, and at the 2^53 edge read as the scanner reads them', () => {
  const digits = '1234567890';
  let taken = 0;
  for (let whole = 0; whole <= 11; whole++) {
    for (let fraction = -1; fraction <= 11; fraction++) {
      const integer = digits.repeat(2).slice(0, whole);
      const text = fraction < 0 ? integer : `${integer}.${digits.repeat(2).slice(0, fraction)}`;
      for (const decimal of [text, `${text}000`, `0${text}`]) {
        const frame = depthFrame('BTCUSDT', 1, 2, [[decimal, decimal]], [['1.5', decimal]]);
        if (assertSame(frame, decimal) === ParseStatus.FAST) taken++;
      }
    }
  }
  for (const edge of ['90071992.54740991', '90071992.54740992', '99999999.99999999', '.', '']) {
    assertSame(depthFrame('BTCUSDT', 1, 2, [[edge, '1']], [['2', edge]]), edge);
  }
  assert.equal(withWasm.parse(depthFrame('BTCUSDT', 1, 2, [['90071992.54740991', '1']], [])), 1);
  assert.equal(withWasm.frame.bidPrices[0], 2 ** 53 - 1);
  assert.ok(taken > 150, `decimals the fast path took: ${taken}`);
});

test('a frame is read only up to its end: a decimal or an array cut there is malformed, whatever follows in the buffer or in the reader', () => {
  const frame = depthFrame('BTCUSDT', 7, 8, [['100.50000000', '2.00000000']], [['101.5', '3']]);
  // A long frame first, so the reader's memory past the short one holds valid-looking bytes.
  const wide = depthFrame(
    'BTCUSDT',
    1,
    2,
    Array.from({ length: 50 }, (_, i) => [`${100 + i}.5`, '1.25'] as const),
    [],
  );
  const buffer = Buffer.from(`${frame}${frame}`);
  let cuts = 0;
  for (let end = frame.indexOf('"b":') + 4; end < frame.length; end++) {
    assertSame(wide, 'wide');
    const status = assertSame(buffer, `cut at ${end}`, 0, end);
    assert.equal(status, ParseStatus.MALFORMED, `cut at ${end}: ${frame.slice(0, end)}`);
    cuts++;
  }
  assert.equal(assertSame(buffer, 'whole first frame', 0, frame.length), ParseStatus.FAST);
  assert.ok(cuts > 40);
});

test('frames beyond the reader’s limits go to the scanner and read the same', () => {
  assert.ok(reader !== null);
  // More levels than the reader holds, in a frame its input area takes.
  const many = Array.from({ length: 70_000 }, (_, i) => [`${i + 1}`, '2'] as const);
  const manyFrame = depthFrame('BTCUSDT', 1, 2, many, []);
  assert.ok(Buffer.byteLength(manyFrame) < reader.inputCapacity);
  assert.equal(assertSame(manyFrame, '70,000 levels'), ParseStatus.FAST);
  assert.equal(withWasm.frame.bidCount, 70_000);
  // A frame longer than the input area.
  const long = Array.from({ length: 80_000 }, (_, i) => [`${i + 1}.12345678`, '2.5'] as const);
  const longFrame = Buffer.from(depthFrame('ETHUSDT', 1, 2, [], long));
  assert.ok(longFrame.length > reader.inputCapacity);
  assert.equal(assertSame(longFrame, 'longer than the input area'), ParseStatus.FAST);
  assert.equal(withWasm.frame.askCount, 80_000);
  // And the next ordinary frame is read by the reader again.
  assert.equal(assertSame(depthFrame('BTCUSDT', 3, 4, [['5', '6']], []), 'after'), 1);
});

test('5,000 random mutations of real frames: with and without WebAssembly, the same status, error and frame', () => {
  const frames = recordedDepthFrames('hftbacktest-binance-spot-btcusdt-20240808.gz');
  const rng = new Rng(11);
  const alphabet = Buffer.from('0123456789.",[]{} \n-eE\\:abu');
  const counts = [0, 0, 0];
  for (let n = 0; n < 5_000; n++) {
    const source = frames[rng.int(frames.length)]!;
    const bytes = Buffer.from(source);
    // Most edits inside the level arrays, where the reader works.
    const first = source.indexOf('"b":[');
    for (let edits = 1 + rng.int(3); edits > 0; edits--) {
      const at = first + rng.int(bytes.length - first);
      bytes[at] = alphabet[rng.int(alphabet.length)]!;
    }
    counts[assertSame(bytes, `mutation ${n}: ${bytes.toString()}`)]!++;
  }
  // The mutations reach both outcomes (the fallback's spellings, escapes and exponents,
  // are out of this alphabet's reach inside level arrays; the differential test has them).
  const [malformed, fast] = counts;
  assert.ok(malformed! > 100 && fast! > 100, `malformed/fast/fallback: ${counts}`);
});

/** A real frame's header, where only the whole-frame reader works. */
const HEADER_FRAME = Buffer.from(
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"]],"a":[["61837.64000000","1.54698000"]]}}',
);

test('whole frames: every byte of a real frame’s header and ending, replaced by every byte value, reads as the scanner alone reads it', () => {
  assert.ok(reader !== null);
  const arrays = HEADER_FRAME.indexOf('"b":[');
  const positions = [
    ...Array.from({ length: arrays + 5 }, (_, i) => i),
    ...Array.from({ length: 6 }, (_, i) => HEADER_FRAME.length - 6 + i),
  ];
  const counts = [0, 0, 0];
  for (const at of positions) {
    for (let value = 0; value < 256; value++) {
      const bytes = Buffer.from(HEADER_FRAME);
      bytes[at] = value;
      counts[assertSame(bytes, `byte ${at} = ${value}: ${bytes.toString('latin1')}`)]!++;
    }
  }
  const [malformed, fast, fallback] = counts;
  assert.ok(malformed! > 1_000 && fast! > 1_000 && fallback! > 100, `${counts}`);
});

test('whole frames: cut at every byte, with a blank or a byte inserted anywhere in the header, the same as the scanner alone', () => {
  for (let end = 0; end <= HEADER_FRAME.length; end++) {
    const status = assertSame(HEADER_FRAME, `cut at ${end}`, 0, end);
    assert.equal(status, end === HEADER_FRAME.length ? ParseStatus.FAST : ParseStatus.MALFORMED);
  }
  const text = HEADER_FRAME.toString();
  for (let at = 0; at <= text.indexOf('"b":[') + 5; at++) {
    for (const inserted of [' ', '0', '"', ',', 'x']) {
      assertSame(`${text.slice(0, at)}${inserted}${text.slice(at)}`, `'${inserted}' at ${at}`);
    }
  }
  for (const trailing of [' ', '\n', '\r\n\t ']) {
    assert.equal(assertSame(text + trailing, `trailing ${JSON.stringify(trailing)}`), 1);
  }
  for (const trailing of ['x', '}', ',', '0', '{}', ' }']) {
    const status = assertSame(text + trailing, `trailing ${JSON.stringify(trailing)}`);
    assert.equal(status, ParseStatus.MALFORMED, trailing);
  }
});

test('whole frames: ids at their limits, an unknown or empty symbol, a bare payload and other keys read as the scanner alone reads them', () => {
  const variants = [
    // U and u: one digit, fifteen, sixteen, leading zero, U above u, U equal to u.
    HEADER_FRAME.toString().replace('"U":50093239189,"u":50093239202', '"U":0,"u":0'),
    HEADER_FRAME.toString().replace('"U":50093239189,"u":50093239202', '"U":1,"u":999999999999999'),
    HEADER_FRAME.toString().replace('"u":50093239202', '"u":9999999999999999'),
    HEADER_FRAME.toString().replace('"U":50093239189', '"U":050093239189'),
    HEADER_FRAME.toString().replace('"U":50093239189', '"U":50093239203'),
    HEADER_FRAME.toString().replace('"U":50093239189', '"U":50093239202'),
    HEADER_FRAME.toString().replace('"E":1723161255208', '"E":1723161255208.5'),
    HEADER_FRAME.toString().replace('"E":1723161255208', '"E":1e12'),
    HEADER_FRAME.toString().replace('"BTCUSDT"', '"SOLUSDT"'),
    HEADER_FRAME.toString().replace('"BTCUSDT"', '""'),
    HEADER_FRAME.toString().replace('"BTCUSDT"', '"BTC\\u0055SDT"'),
    HEADER_FRAME.toString().replace('btcusdt@depth', 'btc\\"usdt@depth'),
    HEADER_FRAME.toString().replace('"stream"', '"id":7,"stream"'),
    HEADER_FRAME.toString().replace(',"b":', ',"pu":50093239188,"b":'),
    HEADER_FRAME.toString().replace(
      '"e":"depthUpdate","E":1723161255208,',
      '"E":1723161255208,"e":"depthUpdate",',
    ),
    depthFrame('ETHUSDT', 3, 4, [['2500.1', '1']], [['2500.2', '0']], false),
    depthFrame('BTCUSDT', 3, 4, [], [], true),
    `{"data":${depthFrame('BTCUSDT', 3, 4, [['1', '2']], [], false)},"stream":"x"}`,
  ];
  for (const variant of variants) assertSame(variant, variant);
  assert.ok(reader !== null);
  const bare = Buffer.from(
    depthFrame('ETHUSDT', 3, 4, [['2500.1', '1']], [['2500.2', '0']], false),
  );
  assert.ok(reader.load(bare, 0, bare.length) && reader.depthFrame(bare.length), 'bare payload');
  assert.equal(withWasm.parse(bare), ParseStatus.FAST);
  assert.equal(withWasm.frame.symbolIndex, 1);
  assert.deepEqual([withWasm.frame.bidCount, withWasm.frame.askCount], [1, 1]);
});

test('whole frames: more levels on both sides together than the reader holds go array by array, and read the same', () => {
  assert.ok(reader !== null);
  const bids = Array.from({ length: 40_000 }, (_, i) => [`${i + 1}`, '2'] as const);
  const asks = Array.from({ length: 30_000 }, (_, i) => [`${50_000 + i}`, '3'] as const);
  const frame = Buffer.from(depthFrame('BTCUSDT', 1, 2, bids, asks));
  assert.ok(frame.length < reader.inputCapacity);
  assert.ok(reader.load(frame, 0, frame.length));
  assert.equal(reader.depthFrame(frame.length), false);
  assert.equal(assertSame(frame, '70,000 levels in all'), ParseStatus.FAST);
  assert.deepEqual([withWasm.frame.bidCount, withWasm.frame.askCount], [40_000, 30_000]);
  assert.equal(withWasm.frame.askPrices[29_999], 79_999 * 1e8);
});
