import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FrameParser, ParseStatus } from '../../main/engine/market/frame-parser.js';
import { summarizeFrame } from '../../main/engine/market/parsed-frame.js';
import { wasmLevels, wasmLevelsUnavailable } from '../../main/engine/market/wasm-levels.js';
import { Rng } from '../../main/engine/core/rng.js';
import { FIXTURE_DIR, depthFrame } from './market-helpers.js';

// The WebAssembly level reader is a fast path in front of the JavaScript scanner: where
// it reads, it must read exactly what the scanner alone reads; where it is unsure it must
// refuse. market-parser-differential.test.ts runs every frame of its generators through
// both; these are the cases that only the reader's own limits and memory can get wrong.

const reader = wasmLevels();
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
  assert.equal(wasmLevelsUnavailable(), '');
  assert.ok(reader !== null);
  let arrays = 0;
  for (const file of [
    'hftbacktest-binance-spot-btcusdt-20240808.gz',
    'hftbacktest-binance-spot-ethusdt-20240808.gz',
  ]) {
    for (const frame of recordedDepthFrames(file)) {
      assert.equal(assertSame(frame, `recorded frame ${arrays}`), ParseStatus.FAST);
      // Not refused and left to the scanner: the reader took both arrays.
      assert.ok(reader.load(frame, 0, frame.length));
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
