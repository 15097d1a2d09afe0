import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { monoNowNs } from '../core/clock.js';
import { BookSync } from '../market/book-sync.js';
import { DepthSnapshot } from '../market/depth-snapshot.js';
import { FrameParser, ParseStatus } from '../market/frame-parser.js';
import type { BookSide } from '../market/book-side.js';
import { wasmFrameReader, wasmFrameReaderUnavailable } from '../market/wasm-frame-reader.js';

/**
 * `bench` peers (issue 11, docs/ARCHITECTURE.md §8): book maintenance on the real recordings in
 * test/fixtures, the same depth frames through three books in one process, in
 * interleaved rounds (so a noisy neighbour hurts all three alike):
 * - ccxt: JSON.parse + ccxt.pro's own Binance order-book update path
 *   (`binance.handleOrderBookMessage` on ccxt's OrderBook, with ccxt's U/u checks);
 * - JSON.parse + a Map book (price number → quantity number);
 * - Lockstep: WebAssembly frame reader (the byte scanner behind it) + Binance sync +
 *   apply (FrameParser + BookSync), from Buffers as the socket delivers them (the peers
 *   get strings, as their clients do).
 * Every run starts from the file's REST snapshot. After each run the three books' top
 * 20 levels per side must agree, or the section says they do not.
 */

export interface PeerRow {
  readonly name: string;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  /** Mean of the fastest round: the least disturbed by other work on the machine. */
  readonly bestRoundUs: number;
  /**
   * Mean over frames of each frame's fastest time across the rounds: the cost with the
   * machine's noise (descheduling, other helpers' work) taken out frame by frame.
   */
  readonly floorUs: number;
}

export interface PeerFixtureResult {
  readonly symbol: string;
  readonly frames: number;
  readonly levels: number;
  readonly rounds: number;
  readonly rows: readonly PeerRow[];
  /** '' when every run's books agreed, else the first disagreement. */
  readonly disagreement: string;
}

export interface PeerBooksResult {
  readonly fixtures: readonly PeerFixtureResult[];
  /** Why a peer or a fixture is missing ('' when everything ran). */
  readonly skipped: string;
}

const FIXTURES = [
  { symbol: 'BTCUSDT', file: 'hftbacktest-binance-spot-btcusdt-20240808.gz' },
  { symbol: 'ETHUSDT', file: 'hftbacktest-binance-spot-ethusdt-20240808.gz' },
];
const TOP = 20;

/** The repository's fixtures, from dist/main/engine/bench. */
const DEFAULT_FIXTURE_DIR = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

interface Fixture {
  readonly symbol: string;
  readonly snapshotText: string;
  readonly frames: readonly string[];
  readonly levels: number;
}

function loadFixture(dir: string, symbol: string, file: string): Fixture | null {
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  const frames: string[] = [];
  let snapshotText = '';
  let levels = 0;
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    const json = line.slice(line.indexOf(' ') + 1);
    if (json.includes('@depth')) {
      frames.push(json);
      const data = (JSON.parse(json) as { data: { b: unknown[]; a: unknown[] } }).data;
      levels += data.b.length + data.a.length;
    } else if (snapshotText === '' && json.startsWith('{"lastUpdateId"')) {
      snapshotText = json;
    }
  }
  return snapshotText === '' ? null : { symbol, snapshotText, frames, levels };
}

/** One implementation under test: reset to the snapshot, then one frame at a time. */
interface PeerBook {
  readonly name: string;
  reset(): void;
  apply(i: number): void;
  /** Top levels, best first, as [price, qty] numbers in the exchange's units. */
  top(isBid: boolean): number[][];
}

// ---- ccxt ------------------------------------------------------------------------------

type CcxtLevel = [number, number];
interface CcxtBook {
  nonce: number;
  bids: CcxtLevel[];
  asks: CcxtLevel[];
  reset(snapshot: object): void;
}
interface CcxtBinance {
  orderBook(snapshot?: object): CcxtBook;
  parseOrderBook(raw: object, symbol: string): object;
  handleOrderBookMessage(client: unknown, message: object, book: CcxtBook): void;
}
interface CcxtModule {
  pro: { binance: new (options?: object) => CcxtBinance };
}

function loadCcxt(): CcxtModule | string {
  try {
    // A dev dependency: the packaged app has no ccxt, and the bench says so.
    return createRequire(__filename)('ccxt') as CcxtModule;
  } catch (error) {
    return `ccxt is not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

function ccxtPeer(ccxt: CcxtModule, fixture: Fixture, strings: readonly string[]): PeerBook {
  const exchange = new ccxt.pro.binance();
  const book = exchange.orderBook({});
  const raw = JSON.parse(fixture.snapshotText) as { lastUpdateId: number };
  const client = {};
  let first = true;
  return {
    name: 'ccxt (JSON.parse + ccxt.pro binance OrderBook)',
    reset() {
      // What ccxt's watchOrderBook does with the REST answer.
      const snapshot = exchange.parseOrderBook(raw, fixture.symbol) as Record<string, unknown>;
      snapshot.nonce = raw.lastUpdateId;
      book.reset(snapshot);
      first = true;
    },
    apply(i) {
      const message = (JSON.parse(strings[i]!) as { data: { U: number; u: number } }).data;
      const U = message.U;
      const u = message.u;
      const nonce = book.nonce;
      // ccxt binance.handleOrderBook's spot rules, as written there.
      if (u <= nonce) return;
      if (first ? U - 1 <= nonce && u - 1 >= nonce : U - 1 === nonce) {
        exchange.handleOrderBookMessage(client, message, book);
        first = false;
      } else {
        throw new Error(`ccxt peer: sequence gap at frame ${i}`);
      }
    },
    top: (isBid) => (isBid ? book.bids : book.asks).slice(0, TOP).map(([p, q]) => [p, q]),
  };
}

// ---- JSON.parse + Map --------------------------------------------------------------------

function mapPeer(fixture: Fixture, strings: readonly string[]): PeerBook {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const raw = JSON.parse(fixture.snapshotText) as {
    lastUpdateId: number;
    bids: [string, string][];
    asks: [string, string][];
  };
  let last = 0;
  let first = true;
  const apply = (side: Map<number, number>, levels: [string, string][]): void => {
    for (const [p, q] of levels) {
      const qty = Number(q);
      if (qty === 0) side.delete(Number(p));
      else side.set(Number(p), qty);
    }
  };
  return {
    name: 'JSON.parse + Map book',
    reset() {
      bids.clear();
      asks.clear();
      apply(bids, raw.bids);
      apply(asks, raw.asks);
      last = raw.lastUpdateId;
      first = true;
    },
    apply(i) {
      const data = (
        JSON.parse(strings[i]!) as {
          data: { U: number; u: number; b: [string, string][]; a: [string, string][] };
        }
      ).data;
      if (data.u <= last) return;
      if (first ? data.U > last + 1 : data.U !== last + 1)
        throw new Error(`Map peer: sequence gap at frame ${i}`);
      apply(bids, data.b);
      apply(asks, data.a);
      last = data.u;
      first = false;
    },
    top: (isBid) =>
      [...(isBid ? bids : asks).entries()]
        .sort((x, y) => (isBid ? y[0] - x[0] : x[0] - y[0]))
        .slice(0, TOP),
  };
}

// ---- Lockstep ----------------------------------------------------------------------------

interface LockstepVariant {
  /** The book's dense window; the engine's default when absent. */
  readonly windowTicks?: number;
  /** false: the JavaScript scanner alone, without the WebAssembly frame reader. */
  readonly wasm?: boolean;
}

function lockstepPeer(
  fixture: Fixture,
  buffers: readonly Buffer[],
  name: string,
  { windowTicks, wasm = true }: LockstepVariant = {},
): PeerBook {
  const parser = new FrameParser([fixture.symbol], wasm ? wasmFrameReader() : null);
  const sync = new BookSync(fixture.symbol, windowTicks === undefined ? {} : { windowTicks });
  const snapshot = new DepthSnapshot();
  const problem = snapshot.read(fixture.snapshotText);
  if (problem !== null) throw new Error(`${fixture.symbol} fixture snapshot: ${problem}`);
  const prices = new Float64Array(TOP);
  const qtys = new Float64Array(TOP);
  const top = (side: BookSide): number[][] => {
    const n = side.top(TOP, prices, qtys);
    return Array.from({ length: n }, (_, k) => [prices[k]! / 1e8, qtys[k]! / 1e8]);
  };
  return {
    name,
    reset() {
      sync.reset();
      sync.onSnapshot(snapshot);
    },
    apply(i) {
      if (parser.parse(buffers[i]!) === ParseStatus.MALFORMED)
        throw new Error(`Lockstep: frame ${i} malformed: ${parser.lastError}`);
      sync.onDiff(parser.frame);
    },
    top: (isBid) => top(isBid ? sync.book.bids : sync.book.asks),
  };
}

// ---- the rounds ----------------------------------------------------------------------------

function sameTop(a: PeerBook, b: PeerBook): string {
  for (const isBid of [true, false]) {
    const x = JSON.stringify(a.top(isBid));
    const y = JSON.stringify(b.top(isBid));
    if (x !== y)
      return `${isBid ? 'bids' : 'asks'} differ: ${a.name} ${x.slice(0, 120)} vs ${b.name} ${y.slice(0, 120)}`;
  }
  return '';
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function measureFixture(
  fixture: Fixture,
  ccxt: CcxtModule | null,
  rounds: number,
): PeerFixtureResult {
  const strings = fixture.frames;
  const buffers = strings.map((text) => Buffer.from(text));
  const peers: PeerBook[] = [
    ...(ccxt === null ? [] : [ccxtPeer(ccxt, fixture, strings)]),
    mapPeer(fixture, strings),
    // Issue 11's steps, for the before/after in one run: the book before its wider
    // window, then the scanner before the WebAssembly reader.
    lockstepPeer(fixture, buffers, 'Lockstep, 4,096-tick dense window (before)', {
      windowTicks: 4096,
      wasm: false,
    }),
    lockstepPeer(fixture, buffers, 'Lockstep, JavaScript scanner alone (before)', { wasm: false }),
    lockstepPeer(fixture, buffers, 'Lockstep (WebAssembly frame reader + sync + apply)'),
  ];
  const n = strings.length;
  const samples = peers.map(() => new Float64Array(n * rounds));
  const bestRound = peers.map(() => Infinity);
  let disagreement = '';
  // Two untimed warm-up rounds, then `rounds` timed; the order rotates every round.
  for (let round = -2; round < rounds; round++) {
    for (let k = 0; k < peers.length; k++) {
      const index = (k + round + 2) % peers.length;
      const peer = peers[index]!;
      const out = samples[index]!;
      peer.reset();
      let total = 0;
      for (let i = 0; i < n; i++) {
        const start = monoNowNs();
        peer.apply(i);
        const took = monoNowNs() - start;
        total += took;
        if (round >= 0) out[round * n + i] = took;
      }
      if (round >= 0) bestRound[index] = Math.min(bestRound[index]!, total / n);
    }
    for (let k = 1; k < peers.length && disagreement === ''; k++) {
      const problem = sameTop(peers[0]!, peers[k]!);
      if (problem !== '') disagreement = `round ${round}: ${problem}`;
    }
  }
  const rows = peers.map((peer, index) => {
    const all = samples[index]!;
    let floor = 0;
    for (let i = 0; i < n; i++) {
      let fastest = Infinity;
      for (let round = 0; round < rounds; round++) fastest = Math.min(fastest, all[round * n + i]!);
      floor += fastest;
    }
    const sorted = all.sort();
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      name: peer.name,
      p50Us: quantile(sorted, 0.5) / 1000,
      p99Us: quantile(sorted, 0.99) / 1000,
      meanUs: sum / sorted.length / 1000,
      bestRoundUs: bestRound[index]! / 1000,
      floorUs: floor / n / 1000,
    };
  });
  return { symbol: fixture.symbol, frames: n, levels: fixture.levels, rounds, rows, disagreement };
}

/** Runs the peers on every fixture found; `rounds` timed passes over each file. */
export function measurePeerBooks(fixtureDir = DEFAULT_FIXTURE_DIR, rounds = 10): PeerBooksResult {
  const loaded = loadCcxt();
  const ccxt = typeof loaded === 'string' ? null : loaded;
  const skipped: string[] = typeof loaded === 'string' ? [`${loaded}: ccxt row skipped`] : [];
  const noWasm = wasmFrameReaderUnavailable();
  if (noWasm !== '')
    skipped.push(`no WebAssembly frame reader (${noWasm}): the last row is the JavaScript scanner`);
  const fixtures: PeerFixtureResult[] = [];
  for (const { symbol, file } of FIXTURES) {
    const fixture = loadFixture(fixtureDir, symbol, file);
    if (fixture === null) {
      skipped.push(`${join(fixtureDir, file)} not found: ${symbol} skipped`);
      continue;
    }
    fixtures.push(measureFixture(fixture, ccxt, rounds));
  }
  return { fixtures, skipped: skipped.join('; ') };
}

const us = (value: number): string => `${value.toFixed(2).padStart(7)} µs`;

/** The printed section: µs per depth frame and each peer's time over Lockstep's. */
export function formatPeerBooks(result: PeerBooksResult): string {
  const out = [
    '',
    "[peers: book maintenance per real depth frame, interleaved rounds; × = time over Lockstep (last row); floor = mean of each frame's fastest round]",
  ];
  for (const fixture of result.fixtures) {
    const ours = fixture.rows[fixture.rows.length - 1]!;
    out.push(
      `${fixture.symbol}: ${fixture.frames} depth frames, ${(fixture.levels / fixture.frames).toFixed(1)} levels/frame, ${fixture.rounds} rounds`,
    );
    const width = Math.max(...fixture.rows.map((row) => row.name.length));
    for (const row of fixture.rows) {
      out.push(
        `  ${row.name.padEnd(width)}  p50 ${us(row.p50Us)}  p99 ${us(row.p99Us)}  mean ${us(row.meanUs)}  best round ${us(row.bestRoundUs)}  floor ${us(row.floorUs)}  ×${(row.floorUs / ours.floorUs).toFixed(1)} (floor), ×${(row.p50Us / ours.p50Us).toFixed(1)} (p50), ×${(row.bestRoundUs / ours.bestRoundUs).toFixed(1)} (best round)`,
      );
    }
    out.push(
      fixture.disagreement === ''
        ? `  books agree after every run (top ${TOP} levels per side)`
        : `  BOOKS DISAGREE: ${fixture.disagreement}`,
    );
  }
  if (result.skipped !== '') out.push(`  skipped: ${result.skipped}`);
  return out.join('\n');
}
