import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameScanner } from '../../main/engine/market/frame-scanner.js';
import { FrameKind, ParsedFrame } from '../../main/engine/market/parsed-frame.js';
import { wasmFrameReader } from '../../main/engine/market/wasm-frame-reader.js';
import { SymbolTable } from '../../main/engine/market/symbol-table.js';
import { MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import type { BookSide } from '../../main/engine/market/book-side.js';
import { parseFixed } from '../../shared/domain.js';

/**
 * Property tests (fast-check): random and mutated Binance frames, valid or not, thrown
 * at the byte scanner and at the whole pipeline (scanner, fallback, sync, book).
 * - the scanner accepts a text only when JSON.parse reads it to the same meaning;
 * - nothing throws out of the parser or the pipeline, whatever the bytes;
 * - a synced book is never crossed, and no level has a negative, zero or NaN quantity or
 *   a non-positive price, and each side is strictly ordered best first.
 * On a failure fast-check prints the seed and the shrunk counterexample.
 */

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

// ---- frames ---------------------------------------------------------------------------

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Decimal strings: the exchange's spelling mostly, and odd or invalid ones. */
const decimal = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(digits(1, 6), digits(0, 8)).map(([i, f]) => (f ? `${i}.${f}` : i)),
  },
  { weight: 1, arbitrary: fc.tuple(digits(1, 3), digits(8, 12)).map(([i, f]) => `${i}.${f}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0',
      '0.00000000',
      '1e5',
      '-1',
      '',
      '.5',
      '5.',
      '+1',
      'NaN',
      '1,5',
      ' 1',
      '00012.5',
      '9007199254740993',
      '\\u0031',
    ),
  },
);
const level = fc.tuple(decimal, decimal);
const levels = fc.array(level, { maxLength: 6 });
const uint = fc.oneof(
  fc.nat({ max: 1000 }),
  fc.constant(3_700_000_000),
  fc.integer({ min: -5, max: 5 }),
  fc.constant(1e16),
);
const symbol = fc.constantFrom('BTCUSDT', 'ETHUSDT', 'XRPUSDT', '', 'btcusdt');

const depthPayload = fc.record(
  { e: fc.constant('depthUpdate'), E: uint, s: symbol, U: uint, u: uint, b: levels, a: levels },
  { requiredKeys: ['e', 's', 'U', 'u', 'b', 'a'] },
);
const tradePayload = fc.record(
  {
    e: fc.constant('trade'),
    E: uint,
    s: symbol,
    t: uint,
    p: decimal,
    q: decimal,
    T: uint,
    m: fc.boolean(),
    M: fc.boolean(),
  },
  { requiredKeys: ['e', 's', 't', 'p', 'q', 'm'] },
);
const tickerPayload = fc.record({
  u: uint,
  s: symbol,
  b: decimal,
  B: decimal,
  a: decimal,
  A: decimal,
});
const otherPayload = fc.record({
  e: fc.constantFrom('aggTrade', '24hrTicker', 'kline'),
  s: symbol,
  x: fc.anything(),
});
const payload = fc.oneof(
  { weight: 4, arbitrary: depthPayload },
  { weight: 3, arbitrary: tradePayload },
  { weight: 2, arbitrary: tickerPayload },
  { weight: 1, arbitrary: otherPayload },
  { weight: 1, arbitrary: fc.anything() },
);

const frameText = fc
  .tuple(payload, fc.boolean(), fc.constantFrom('', ' ', '\n', '\t'))
  .map(([data, wrapped, blank]) => {
    const body = JSON.stringify(data) ?? 'null';
    return wrapped ? `{"stream":"x@depth",${blank}"data":${body}}` : `${blank}${body}`;
  });

/** Byte-level damage: the kinds a network, a recorder or a hand edit cause. */
const JSONISH = [...'"\\{}[],:.-+eE0123456789 tfnul\u0000é\n'];
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    char: fc.constantFrom(...JSONISH),
  }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    char: fc.constantFrom(...JSONISH),
  }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.nat({ max: 20 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'cut') out = out.slice(0, at);
    else if (m.kind === 'drop') out = out.slice(0, at) + out.slice(at + 1);
    else if (m.kind === 'insert') out = out.slice(0, at) + m.char + out.slice(at);
    else if (m.kind === 'replace') out = out.slice(0, at) + m.char + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at, at + m.length) + out.slice(at);
  }
  return out;
}

const mutatedFrame = fc
  .tuple(frameText, fc.array(mutation, { maxLength: 3 }))
  .map(([text, mutations]) => mutate(text, mutations));

// ---- what JSON.parse says a frame means -------------------------------------------------

type Json = Record<string, unknown>;

/** The frame the scanner should have produced, read with JSON.parse and parseFixed. */
function expectedMeaning(text: string): Json {
  const root = JSON.parse(text) as Json; // throws: the test fails, the scanner was wrong
  const data = ('stream' in root || 'data' in root ? root.data : root) as Json;
  const index = SYMBOLS.indexOf(data.s as string);
  const pairs = (list: unknown): number[][] =>
    (list as [string, string][]).map(([p, q]) => [parseFixed(p), parseFixed(q)]);
  if (data.e === 'depthUpdate') {
    return {
      kind: FrameKind.DEPTH,
      index,
      U: data.U,
      u: data.u,
      b: pairs(data.b),
      a: pairs(data.a),
    };
  }
  if (data.e === 'trade') {
    return {
      kind: FrameKind.TRADE,
      index,
      t: data.t,
      p: parseFixed(data.p as string),
      q: parseFixed(data.q as string),
      m: data.m,
    };
  }
  return {
    kind: FrameKind.BOOK_TICKER,
    index,
    u: data.u,
    b: parseFixed(data.b as string),
    B: parseFixed(data.B as string),
    a: parseFixed(data.a as string),
    A: parseFixed(data.A as string),
  };
}

function scannedMeaning(frame: ParsedFrame): Json {
  const index = frame.symbolIndex;
  const pairs = (prices: Float64Array, qtys: Float64Array, n: number): number[][] =>
    Array.from({ length: n }, (_, i) => [prices[i]!, qtys[i]!]);
  if (frame.kind === FrameKind.DEPTH) {
    return {
      kind: frame.kind,
      index,
      U: frame.firstUpdateId,
      u: frame.lastUpdateId,
      b: pairs(frame.bidPrices, frame.bidQtys, frame.bidCount),
      a: pairs(frame.askPrices, frame.askQtys, frame.askCount),
    };
  }
  if (frame.kind === FrameKind.TRADE) {
    return {
      kind: frame.kind,
      index,
      t: frame.tradeId,
      p: frame.price,
      q: frame.qty,
      m: frame.buyerMaker,
    };
  }
  return {
    kind: frame.kind,
    index,
    u: frame.lastUpdateId,
    b: frame.bestBidPrice,
    B: frame.bestBidQty,
    a: frame.bestAskPrice,
    A: frame.bestAskQty,
  };
}

test('the scanner agrees with JSON.parse on every frame it accepts, and never throws', () => {
  const scanner = new FrameScanner(new SymbolTable(SYMBOLS), wasmFrameReader());
  const frame = new ParsedFrame();
  let accepted = 0;
  fc.assert(
    fc.property(
      fc.oneof({ weight: 2, arbitrary: frameText }, { weight: 1, arbitrary: mutatedFrame }),
      (text) => {
        const bytes = Buffer.from(text, 'utf8');
        if (!scanner.scan(bytes, 0, bytes.length, frame)) return;
        accepted++;
        assert.deepEqual(scannedMeaning(frame), expectedMeaning(text), text);
      },
    ),
    { numRuns: 20_000 },
  );
  assert.ok(accepted > 1000, `the generator reaches the accepting paths (${accepted})`);
});

// ---- the book ---------------------------------------------------------------------------

/** Prices on a small grid around 100 (so books cross often), a few far or off the grid. */
const price = (lowCents: number, highCents: number): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 200,
      arbitrary: fc.integer({ min: lowCents, max: highCents }).map((c) => (c / 100).toFixed(2)),
    },
    { weight: 2, arbitrary: fc.constantFrom('0.01', '250.00', '99999.99', '100.005') },
    { weight: 1, arbitrary: fc.constantFrom('0', '-100.00') },
  );
/** Mostly valid quantities, removals (0), and now and then an invalid one. */
const qty = fc.oneof(
  { weight: 100, arbitrary: fc.integer({ min: 1, max: 500 }).map((n) => (n / 100).toFixed(2)) },
  { weight: 20, arbitrary: fc.constantFrom('0', '0.00000000') },
  { weight: 1, arbitrary: fc.constantFrom('-1', 'NaN', '1e3', '0.000000001') },
);
// Bids mostly below asks, overlapping near 100: a crossing diff now and then.
const bidLevels = fc.array(fc.tuple(price(9_900, 10_001), qty), { maxLength: 8 });
const askLevels = fc.array(fc.tuple(price(9_999, 10_100), qty), { maxLength: 8 });

type Step =
  | {
      kind: 'diff';
      skip: number;
      span: number;
      b: [string, string][];
      a: [string, string][];
      mutations: Mutation[];
    }
  | {
      kind: 'snapshot';
      back: number;
      b: [string, string][];
      a: [string, string][];
      mutations: Mutation[];
    }
  | { kind: 'trade'; id: number; p: string }
  | { kind: 'noise'; text: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('diff' as const),
      skip: fc.oneof({ weight: 40, arbitrary: fc.constant(0) }, fc.integer({ min: -3, max: 3 })),
      span: fc.nat({ max: 3 }),
      b: bidLevels,
      a: askLevels,
      mutations: fc.oneof(
        { weight: 40, arbitrary: fc.constant<Mutation[]>([]) },
        fc.array(mutation, { minLength: 1, maxLength: 2 }),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('snapshot' as const),
      back: fc.integer({ min: -2, max: 3 }),
      b: bidLevels,
      a: askLevels,
      mutations: fc.oneof(
        { weight: 5, arbitrary: fc.constant<Mutation[]>([]) },
        fc.array(mutation, { minLength: 1, maxLength: 2 }),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      id: fc.nat({ max: 50 }),
      p: decimal,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noise' as const), text: mutatedFrame }) },
);

function assertSane(side: BookSide, isBid: boolean, where: string): void {
  let previous = isBid ? Infinity : -Infinity;
  for (const [p, q] of side.levels()) {
    assert.ok(Number.isFinite(p) && p > 0, `${where}: price ${p}`);
    assert.ok(Number.isFinite(q) && q > 0, `${where}: quantity ${q} at ${p}`);
    assert.ok(isBid ? p < previous : p > previous, `${where}: ${p} out of order after ${previous}`);
    previous = p;
  }
}

test('random and mutated streams never throw out of the pipeline, never leave a synced book crossed, never hold a bad level', () => {
  let syncedSteps = 0;
  fc.assert(
    fc.property(
      fc.array(step, { minLength: 1, maxLength: 150, size: 'max' }),
      fc.boolean(),
      (steps, narrowWindow) => {
        const p = new MarketPipeline(
          SYMBOLS,
          narrowWindow ? { windowTicks: 64 } : {},
          () => undefined,
        );
        let next = 1000;
        steps.forEach((s, n) => {
          let text: string;
          if (s.kind === 'diff') {
            const U = Math.max(1, next + s.skip);
            const u = U + s.span;
            next = u + 1;
            const data = { e: 'depthUpdate', E: n, s: 'BTCUSDT', U, u, b: s.b, a: s.a };
            text = mutate(JSON.stringify({ stream: 'btcusdt@depth@100ms', data }), s.mutations);
            p.onFrame(text, n, n);
          } else if (s.kind === 'snapshot') {
            const body = JSON.stringify({
              lastUpdateId: Math.max(0, next - s.back),
              bids: s.b,
              asks: s.a,
            });
            text = mutate(body, s.mutations);
            p.onSnapshot('BTCUSDT', text, n);
          } else if (s.kind === 'trade') {
            text = JSON.stringify({
              stream: 'btcusdt@trade',
              data: {
                e: 'trade',
                E: n,
                s: 'BTCUSDT',
                t: s.id,
                p: s.p,
                q: '1',
                T: n,
                m: false,
                M: true,
              },
            });
            p.onFrame(text, n, n);
          } else {
            text = s.text;
            p.onFrame(text, n, n);
          }
          const state = p.book('BTCUSDT');
          const where = `step ${n} (${text.slice(0, 120)})`;
          if (state.synced) {
            syncedSteps++;
            const { bids, asks } = state.book;
            assert.ok(!(bids.bestPrice() >= asks.bestPrice()), `${where}: synced but crossed`);
          }
          assertSane(state.book.bids, true, where);
          assertSane(state.book.asks, false, where);
        });
      },
    ),
    { numRuns: 600 },
  );
  assert.ok(syncedSteps > 10_000, `the streams reach synced books (${syncedSteps} steps)`);
});
