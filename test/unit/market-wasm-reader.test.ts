import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FrameParser, ParseStatus } from '../../main/engine/market/frame-parser.js';
import { ParsedFrame, summarizeFrame } from '../../main/engine/market/parsed-frame.js';
import { SymbolTable } from '../../main/engine/market/symbol-table.js';
import {
  wasmFrameReader,
  wasmFrameReaderUnavailable,
} from '../../main/engine/market/wasm-frame-reader.js';
import { Rng } from '../../main/engine/core/rng.js';
import { FIXTURE_DIR, depthFrame } from './market-helpers.js';

// The WebAssembly reader is a fast path in front of the JavaScript scanner — whole depth,
// trade and bookTicker frames in the exchange's layout, and level arrays: where it reads,
// it must read exactly what the scanner alone reads; where it is unsure it must refuse.
// market-parser-differential.test.ts runs every frame of its generators through both;
// these are the cases that only the reader's own layout, limits and memory can get wrong.

const reader = wasmFrameReader();
const withWasm = new FrameParser(['BTCUSDT', 'ETHUSDT'], reader);
const alone = new FrameParser(['BTCUSDT', 'ETHUSDT'], null);
const symbols = new SymbolTable(['BTCUSDT', 'ETHUSDT']);
const scratch = new ParsedFrame();

/** Whether the reader takes the frame whole (rather than leaving it to the scanner). */
function readsWhole(bytes: Buffer): boolean {
  assert.ok(reader !== null && reader.load(bytes, 0, bytes.length));
  scratch.reset();
  return reader.readFrame(bytes.length, bytes, 0, symbols, scratch);
}

/** Both parsers on the same input: same status, same error, same frame. */
function assertSame(data: Uint8Array | string, context: string, start = 0, end = data.length) {
  const status = withWasm.parse(data, start, end);
  const statusAlone = alone.parse(data, start, end);
  assert.equal(status, statusAlone, `${context}: status`);
  assert.equal(withWasm.lastError, alone.lastError, `${context}: error`);
  assert.deepEqual(summarizeFrame(withWasm.frame), summarizeFrame(alone.frame), context);
  return status;
}

/** The stream frames of a recording (its REST snapshots left out). */
function recordedFrames(file: string): Buffer[] {
  const text = gunzipSync(readFileSync(join(FIXTURE_DIR, file))).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.includes('"stream"'))
    .map((line) => Buffer.from(line.slice(line.indexOf(' ') + 1)));
}

function recordedDepthFrames(file: string): Buffer[] {
  return recordedFrames(file).filter((frame) => frame.includes('@depth'));
}

test('the build carries the WebAssembly reader and it reads every frame of the real recordings whole, and every level array on its own', () => {
  assert.equal(wasmFrameReaderUnavailable(), '');
  assert.ok(reader !== null);
  let arrays = 0;
  const kinds = [0, 0, 0, 0];
  for (const file of [
    'hftbacktest-binance-spot-btcusdt-20240808.gz',
    'hftbacktest-binance-spot-ethusdt-20240808.gz',
  ]) {
    for (const frame of recordedFrames(file)) {
      assert.equal(assertSame(frame, `${file}: ${frame}`), ParseStatus.FAST);
      // Not refused and left to the scanner: the reader took the frame whole.
      assert.ok(readsWhole(frame), `${file}: whole frame ${frame}`);
      kinds[scratch.kind]!++;
      if (!frame.includes('@depth')) continue;
      for (const [key, isBid] of [
        ['"b":[', true],
        ['"a":[', false],
      ] as const) {
        const at = frame.indexOf(key) + key.length - 1;
        assert.ok(
          reader.readLevels(at, frame.length, scratch, isBid) > at,
          `${file}: ${key} of ${frame}`,
        );
        arrays++;
      }
    }
  }
  assert.ok(arrays > 13_000, `arrays read: ${arrays}`);
  // Depth, trade and bookTicker frames all taken whole.
  assert.ok(kinds[1]! > 6_000 && kinds[2]! > 10_000 && kinds[3]! > 40_000, `${kinds}`);
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
/** Real frames of each kind, from the BTCUSDT recording. */
const HEADER_FRAME = Buffer.from(
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"]],"a":[["61837.64000000","1.54698000"]]}}',
);
const TRADE_FRAME = Buffer.from(
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}',
);
/** The same trade with both flags false, as the exchange spells a buyer taking. */
const SELLER_MAKER_TRADE = Buffer.from(
  TRADE_FRAME.toString().replace('"m":true,"M":true', '"m":false,"M":false'),
);
const TICKER_FRAME = Buffer.from(
  '{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}',
);

test('whole frames: every byte of a real depth frame’s header and ending, and of a real trade and bookTicker frame, replaced by every byte value, reads as the scanner alone reads it', () => {
  const arrays = HEADER_FRAME.indexOf('"b":[');
  const cases = [
    {
      frame: HEADER_FRAME,
      positions: [
        ...Array.from({ length: arrays + 5 }, (_, i) => i),
        ...Array.from({ length: 6 }, (_, i) => HEADER_FRAME.length - 6 + i),
      ],
    },
    { frame: TRADE_FRAME, positions: Array.from(TRADE_FRAME.keys()) },
    { frame: SELLER_MAKER_TRADE, positions: Array.from(SELLER_MAKER_TRADE.keys()).slice(-22) },
    { frame: TICKER_FRAME, positions: Array.from(TICKER_FRAME.keys()) },
  ];
  for (const { frame, positions } of cases) {
    assert.ok(readsWhole(frame));
    const counts = [0, 0, 0];
    for (const at of positions) {
      for (let value = 0; value < 256; value++) {
        const bytes = Buffer.from(frame);
        bytes[at] = value;
        counts[assertSame(bytes, `byte ${at} = ${value}: ${bytes.toString('latin1')}`)]!++;
      }
    }
    const [malformed, fast, fallback] = counts;
    assert.ok(malformed! > 100 && fast! > 100 && fallback! > 0, `${frame}: ${counts}`);
  }
});

test('whole frames: cut at every byte, with a blank or a byte inserted anywhere in the header, or anything after, the same as the scanner alone', () => {
  for (const frame of [HEADER_FRAME, TRADE_FRAME, TICKER_FRAME]) {
    for (let end = 0; end <= frame.length; end++) {
      const status = assertSame(frame, `cut at ${end}`, 0, end);
      assert.equal(status, end === frame.length ? ParseStatus.FAST : ParseStatus.MALFORMED);
    }
    const text = frame.toString();
    const headerEnd = frame === HEADER_FRAME ? text.indexOf('"b":[') + 5 : text.length;
    for (let at = 0; at <= headerEnd; at++) {
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
    // Trades: the flags both ways and misspelt, a price of zero, ids at their limits, a
    // decimal the one-pass form does not take, keys moved or added.
    ...[
      ['"m":true', '"m":false'],
      ['"M":true', '"M":false'],
      ['"m":true', '"m":tru'],
      ['"m":true', '"m":1'],
      ['"M":true', '"M":null'],
      ['"p":"61837.63000000"', '"p":"0.00000000"'],
      ['"p":"61837.63000000"', '"p":"61837.630000001"'],
      ['"q":"0.02000000"', '"q":"0"'],
      ['"q":"0.02000000"', '"q":"1e-2"'],
      ['"t":3735683259', '"t":0'],
      ['"t":3735683259', '"t":03735683259'],
      ['"t":3735683259', '"t":9999999999999999'],
      ['"T":1723161255342', '"T":-1'],
      ['"e":"trade","E":1723161255343,', '"E":1723161255343,"e":"trade",'],
      [',"M":true', ''],
      [',"M":true', ',"M":true,"X":1'],
      ['"e":"trade"', '"e":"aggTrade"'],
    ].map(([from, to]) => TRADE_FRAME.toString().replace(from!, to!)),
    // bookTickers: the futures spelling (with "e" and "E"), decimals, keys moved.
    ...[
      ['{"u":50093239212,', '{"e":"bookTicker","u":50093239212,'],
      ['"u":50093239212,"s":"BTCUSDT"', '"s":"BTCUSDT","u":50093239212'],
      ['"b":"61837.63000000"', '"b":"0"'],
      ['"B":"3.78826000"', '"B":"-3.78826000"'],
      ['"A":"1.54698000"', '"A":"1.546980001"'],
      ['"a":"61837.64000000"', '"a":61837.64'],
      [',"A":"1.54698000"', ''],
    ].map(([from, to]) => TICKER_FRAME.toString().replace(from!, to!)),
  ];
  const statuses = [0, 0, 0];
  for (const variant of variants) statuses[assertSame(variant, variant)]!++;
  assert.ok(
    statuses.every((n) => n > 3),
    `malformed/fast/fallback: ${statuses}`,
  );
  const bare = Buffer.from(
    depthFrame('ETHUSDT', 3, 4, [['2500.1', '1']], [['2500.2', '0']], false),
  );
  assert.ok(readsWhole(bare), 'bare payload');
  assert.equal(withWasm.parse(bare), ParseStatus.FAST);
  assert.equal(withWasm.frame.symbolIndex, 1);
  assert.deepEqual([withWasm.frame.bidCount, withWasm.frame.askCount], [1, 1]);
  for (const frame of [TRADE_FRAME, TICKER_FRAME]) {
    const payload = frame.subarray(frame.indexOf('"data":') + 7, frame.length - 1);
    assert.ok(readsWhole(payload), `bare ${payload}`);
    assert.equal(assertSame(payload, `bare ${payload}`), ParseStatus.FAST);
  }
});

test('whole frames: more levels on both sides together than the reader holds go array by array, and read the same', () => {
  assert.ok(reader !== null);
  const bids = Array.from({ length: 40_000 }, (_, i) => [`${i + 1}`, '2'] as const);
  const asks = Array.from({ length: 30_000 }, (_, i) => [`${50_000 + i}`, '3'] as const);
  const frame = Buffer.from(depthFrame('BTCUSDT', 1, 2, bids, asks));
  assert.ok(frame.length < reader.inputCapacity);
  assert.equal(readsWhole(frame), false);
  assert.equal(assertSame(frame, '70,000 levels in all'), ParseStatus.FAST);
  assert.deepEqual([withWasm.frame.bidCount, withWasm.frame.askCount], [40_000, 30_000]);
  assert.equal(withWasm.frame.askPrices[29_999], 79_999 * 1e8);
});
