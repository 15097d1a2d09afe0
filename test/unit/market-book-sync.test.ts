import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarketPipeline, FrameOutcome } from '../../main/engine/market/market-pipeline.js';
import { SnapshotOutcome } from '../../main/engine/market/book-sync.js';
import { MarketKind } from '../../shared/records.js';
import { FEED_STATES, formatFixed, parseFixed } from '../../shared/domain.js';
import { depthFrame, RecordLog, snapshotBody, tradeFrame } from './market-helpers.js';

const S = 'BTCUSDT';

function pipeline(): { p: MarketPipeline; log: RecordLog; requests: string[] } {
  const log = new RecordLog();
  const requests: string[] = [];
  const p = new MarketPipeline(
    [S, 'ETHUSDT'],
    { onNeedSnapshot: (symbol) => requests.push(symbol) },
    log.sink,
  );
  return { p, log, requests };
}

const bookOf = (p: MarketPipeline) => ({
  bids: p
    .book(S)
    .book.bids.levels()
    .map(([price, qty]) => [formatFixed(price), formatFixed(qty)]),
  asks: p
    .book(S)
    .book.asks.levels()
    .map(([price, qty]) => [formatFixed(price), formatFixed(qty)]),
});

test('a diff before the snapshot is buffered, a snapshot is requested, and the diff applies after it', () => {
  const { p, requests, log } = pipeline();
  assert.equal(
    p.onFrame(depthFrame(S, 101, 103, [['100.00', '1']], []), 1, 1),
    FrameOutcome.BUFFERED,
  );
  assert.deepEqual(requests, [S]);
  assert.equal(p.book(S).synced, false);
  assert.equal(
    p.onFrame(depthFrame(S, 104, 104, [['99.99', '2']], []), 2, 2),
    FrameOutcome.BUFFERED,
  );
  assert.deepEqual(requests, [S], 'one request while waiting, not one per diff');
  const outcome = p.onSnapshot(
    S,
    snapshotBody(
      102,
      [
        ['100.00', '5'],
        ['99.00', '1'],
      ],
      [['101.00', '1']],
    ),
    3,
  );
  assert.equal(outcome, SnapshotOutcome.APPLIED);
  assert.equal(p.book(S).synced, true);
  assert.equal(p.book(S).lastUpdateId, 104);
  assert.deepEqual(bookOf(p), {
    bids: [
      ['100', '1'],
      ['99.99', '2'],
      ['99', '1'],
    ],
    asks: [['101', '1']],
  });
  // The restart is one BOOK record carrying the folded diffs, stamped with the snapshot's time.
  const books = log.books();
  assert.equal(books.length, 1);
  assert.equal(books[0]!.updateId, 104);
  assert.equal(books[0]!.tsUs, 3);
  assert.equal(books[0]!.synced, true);
  assert.equal(books[0]!.bidCount, 3);
  assert.equal(books[0]!.bidPrice(0), parseFixed('100'));
  assert.equal(books[0]!.bidQty(1), parseFixed('2'));
});

test('stale diffs (u <= lastUpdateId) are dropped, buffered or live', () => {
  const { p } = pipeline();
  p.onFrame(depthFrame(S, 90, 95, [['1.00', '9']], []), 1, 1); // fully older than the snapshot
  p.onFrame(depthFrame(S, 96, 100, [['2.00', '9']], []), 1, 1); // ends exactly at it
  assert.equal(
    p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 2),
    SnapshotOutcome.APPLIED,
  );
  assert.deepEqual(bookOf(p).bids, [['3', '1']]);
  assert.equal(p.counters.stale, 2);
  assert.equal(p.onFrame(depthFrame(S, 99, 100, [['3.00', '7']], []), 3, 3), FrameOutcome.STALE);
  assert.deepEqual(bookOf(p).bids, [['3', '1']]);
  assert.equal(p.counters.stale, 3);
});

test('the first applied diff may straddle the snapshot (U <= L+1 <= u); later ones must be contiguous', () => {
  const { p } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 1);
  assert.equal(
    p.onFrame(depthFrame(S, 95, 105, [['3.00', '2']], []), 2, 2),
    FrameOutcome.BOOK_UPDATED,
  );
  assert.equal(p.book(S).lastUpdateId, 105);
  assert.equal(
    p.onFrame(depthFrame(S, 106, 110, [['3.00', '0']], [['4.00', '3']]), 3, 3),
    FrameOutcome.BOOK_UPDATED,
  );
  assert.deepEqual(bookOf(p), { bids: [], asks: [['4', '3']] });
  // An overlapping diff after the first is not contiguous: that is a gap.
  assert.equal(p.onFrame(depthFrame(S, 108, 112, [], []), 4, 4), FrameOutcome.GAP);
});

test('a first diff that starts beyond L+1 is a gap even right after the snapshot', () => {
  const { p, requests } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], []), 1);
  assert.equal(p.onFrame(depthFrame(S, 102, 105, [], []), 2, 2), FrameOutcome.GAP);
  assert.equal(p.book(S).synced, false);
  assert.deepEqual(requests, [S]);
});

test('a gap leaves the book unsynced (and says so) until the next snapshot resyncs it', () => {
  const { p, requests, log } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['5.00', '1']]), 1);
  p.onFrame(depthFrame(S, 101, 101, [['3.00', '2']], []), 2, 2);
  assert.equal(p.onFrame(depthFrame(S, 103, 104, [['3.00', '9']], []), 3, 3), FrameOutcome.GAP);
  assert.equal(p.book(S).synced, false);
  assert.equal(p.book(S).counters.gaps, 1);
  assert.equal(p.counters.gaps, 1);
  assert.equal(p.counters.resyncs, 1);
  assert.deepEqual(requests, [S]);
  assert.equal(p.feedState(S), 'syncing');
  const states = log.feedStates().map((r) => FEED_STATES[r.feedState]);
  assert.deepEqual(states, ['live', 'syncing']);
  // The book is not touched while unsynced: the gapped diff waits in the buffer.
  assert.deepEqual(bookOf(p).bids, [['3', '2']]);
  assert.equal(
    p.onFrame(depthFrame(S, 105, 106, [['2.00', '1']], []), 4, 4),
    FrameOutcome.BUFFERED,
  );
  assert.equal(p.book(S).synced, false);
  // The fresh snapshot (as a recording's snapshot line after a gap) restarts it.
  assert.equal(
    p.onSnapshot(S, snapshotBody(104, [['3.00', '9']], [['5.00', '1']]), 5),
    SnapshotOutcome.APPLIED,
  );
  assert.equal(p.book(S).synced, true);
  assert.equal(p.book(S).lastUpdateId, 106);
  assert.deepEqual(bookOf(p).bids, [
    ['3', '9'],
    ['2', '1'],
  ]);
  assert.equal(p.feedState(S), 'live');
});

test('a snapshot older than the first buffered U is refused and another is requested', () => {
  const { p, requests } = pipeline();
  p.onFrame(depthFrame(S, 200, 205, [['3.00', '1']], []), 1, 1);
  assert.deepEqual(requests, [S]);
  // 198 + 1 < 200: updates 199 would be missing.
  assert.equal(p.onSnapshot(S, snapshotBody(198, [['1.00', '1']], []), 2), SnapshotOutcome.TOO_OLD);
  assert.equal(p.book(S).synced, false);
  assert.deepEqual(requests, [S, S]);
  assert.equal(p.counters.snapshotsTooOld, 1);
  assert.equal(p.onSnapshot(S, snapshotBody(202, [['1.00', '1']], []), 3), SnapshotOutcome.APPLIED);
  assert.equal(p.book(S).lastUpdateId, 205);
  assert.deepEqual(bookOf(p).bids, [
    ['3', '1'],
    ['1', '1'],
  ]);
});

test('a snapshot one below the first buffered U continues the book exactly and is used', () => {
  const { p } = pipeline();
  p.onFrame(depthFrame(S, 200, 205, [['3.00', '1']], []), 1, 1);
  p.onFrame(depthFrame(S, 206, 207, [['2.00', '4']], []), 1, 1);
  assert.equal(p.onSnapshot(S, snapshotBody(199, [['1.00', '1']], []), 2), SnapshotOutcome.APPLIED);
  assert.equal(p.book(S).synced, true);
  assert.equal(p.book(S).lastUpdateId, 207);
  assert.deepEqual(bookOf(p).bids, [
    ['3', '1'],
    ['2', '4'],
    ['1', '1'],
  ]);
  assert.equal(p.counters.snapshotsTooOld, 0);
});

test('buffered diffs with a hole: the snapshot restarts the book, then the hole is a gap', () => {
  const { p } = pipeline();
  p.onFrame(depthFrame(S, 101, 102, [['3.00', '1']], []), 1, 1);
  p.onFrame(depthFrame(S, 105, 106, [['3.00', '2']], []), 1, 1);
  assert.equal(p.onSnapshot(S, snapshotBody(101, [], []), 2), SnapshotOutcome.RESTARTED_THEN_LOST);
  assert.equal(p.book(S).synced, false);
  assert.equal(p.counters.gaps, 1);
  // The diff after the hole is kept: a snapshot inside its [U; u] lets it apply (one at
  // 103, two below its U, would be too old by the documented rule).
  assert.equal(p.onSnapshot(S, snapshotBody(103, [['3.00', '5']], []), 3), SnapshotOutcome.TOO_OLD);
  assert.equal(p.onSnapshot(S, snapshotBody(105, [['3.00', '5']], []), 3), SnapshotOutcome.APPLIED);
  assert.equal(p.book(S).lastUpdateId, 106);
  assert.deepEqual(bookOf(p).bids, [['3', '2']]);
});

test('a crossed book triggers a resync instead of trading on a wrong book', () => {
  const { p, requests } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 1);
  assert.equal(p.onFrame(depthFrame(S, 101, 101, [['4.50', '1']], []), 2, 2), FrameOutcome.CROSSED);
  assert.equal(p.book(S).synced, false);
  assert.equal(p.counters.crossed, 1);
  assert.equal(p.counters.resyncs, 1);
  assert.deepEqual(requests, [S]);
  assert.equal(
    p.onSnapshot(S, snapshotBody(101, [['3.00', '1']], [['4.00', '1']]), 3),
    SnapshotOutcome.APPLIED,
  );
  assert.equal(p.book(S).synced, true);
});

test('malformed frames are counted, named, and never change the book', () => {
  const logs: string[] = [];
  const records = new RecordLog();
  const p = new MarketPipeline([S], { log: (_level, message) => logs.push(message) }, records.sink);
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 1);
  const before = JSON.stringify(bookOf(p));
  const bad = [
    depthFrame(
      S,
      101,
      101,
      [
        ['3.00', '2'],
        ['1e5', '1'],
      ],
      [],
    ), // valid level first, then a bad price
    depthFrame(S, 101, 101, [['3.00', '-2']], []),
    depthFrame(S, 101, 101, [['3.000000001', '2']], []),
    depthFrame(S, 101, 101, [['0', '2']], []),
    depthFrame(S, 101, 101, [['3.00', '2', '7'] as unknown as [string, string]], []),
    depthFrame(S, 102, 101, [['3.00', '2']], []),
    '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":101,"u":101,"b":[["3.00","2"]]',
    '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":101,"u":101,"a":[]}}',
    '{"stream":"btcusdt@depth@100ms","data":[]}',
    'not json at all',
    '',
    tradeFrame(S, 1, '3.00', 'abc', false),
  ];
  for (const frame of bad) assert.equal(p.onFrame(frame, 2, 2), FrameOutcome.MALFORMED, frame);
  assert.equal(JSON.stringify(bookOf(p)), before);
  assert.equal(p.book(S).lastUpdateId, 100);
  assert.equal(p.book(S).synced, true);
  assert.equal(p.counters.malformed, bad.length);
  assert.equal(logs.filter((m) => m.startsWith('malformed frame dropped')).length, bad.length);
  assert.ok(
    logs.some((m) => m.includes('"1e5"')),
    'the log names the bad price',
  );
  assert.equal(records.ofKind(MarketKind.BOOK).length, 1, 'only the snapshot emitted a book');
  // A dropped diff is a hole in the sequence: the next good diff reveals it.
  assert.equal(p.onFrame(depthFrame(S, 102, 102, [], []), 3, 3), FrameOutcome.GAP);
  // A malformed snapshot is refused too and changes nothing.
  assert.equal(
    p.onSnapshot(S, '{"lastUpdateId":200,"bids":[["x","1"]],"asks":[]}', 4),
    SnapshotOutcome.MALFORMED,
  );
  assert.equal(p.book(S).synced, false);
  assert.equal(JSON.stringify(bookOf(p)), before);
});

test('trades become TRADE records with price, quantity and the buyer-maker flag; SEQ is global', () => {
  const { p, log } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 1);
  p.onFrame(tradeFrame(S, 77, '3.50', '0.00001', true), 2, 20);
  p.onFrame(tradeFrame('ETHUSDT', 78, '2000.10', '1.5', false), 3, 30);
  const trades = log.trades();
  assert.equal(trades.length, 2);
  assert.equal(trades[0]!.tradeId, 77);
  assert.equal(trades[0]!.price, parseFixed('3.5'));
  assert.equal(trades[0]!.qty, 1000);
  assert.equal(trades[0]!.isBuyerMaker, true);
  assert.equal(trades[0]!.t0Us, 20);
  assert.equal(trades[1]!.symbol, 1);
  assert.equal(trades[1]!.isBuyerMaker, false);
  const seqs = log.seqs();
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
  );
});

test('bookTicker frames are counted but are not book updates', () => {
  const { p, log } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 1);
  const ticker =
    '{"stream":"btcusdt@bookTicker","data":{"u":101,"s":"BTCUSDT","b":"3.00","B":"1","a":"4.00","A":"1"}}';
  assert.equal(p.onFrame(ticker, 2, 2), FrameOutcome.BOOK_TICKER);
  assert.equal(p.counters.bookTickers, 1);
  assert.equal(log.ofKind(MarketKind.BOOK).length, 1);
  assert.equal(p.book(S).lastUpdateId, 100);
});

test('a reconnect resets every book to waiting for a snapshot without counting a gap', () => {
  const { p, requests } = pipeline();
  p.onSnapshot(S, snapshotBody(100, [['3.00', '1']], [['4.00', '1']]), 1);
  p.setConnectionState('connecting', 2);
  assert.equal(p.feedState(S), 'connecting');
  p.resetForReconnect();
  p.setConnectionState('syncing', 3);
  assert.equal(p.book(S).synced, false);
  assert.equal(p.feedState(S), 'syncing');
  p.onFrame(depthFrame(S, 150, 151, [], []), 4, 4);
  assert.deepEqual(requests, [S]);
  assert.equal(p.counters.gaps, 0);
});

test('a replay names the file and line of a refused frame; the line is kept as a number', () => {
  const logs: string[] = [];
  const records = new RecordLog();
  const p = new MarketPipeline([S], { log: (_level, message) => logs.push(message) }, records.sink);
  p.source = 'day.jsonl';
  p.sourceLine = 41;
  p.onFrame('not json at all', 1, 1);
  p.sourceLine = 42;
  p.onFrame('{"stream":"btcusdt@depth@100ms","data":[]}', 2, 2);
  // Set without a line number (a source of its own), the text is used as it is.
  p.sourceLine = 0;
  p.source = 'day.jsonl:43';
  p.onFrame('still not json', 3, 3);
  assert.deepEqual(
    logs.map((m) => m.split(': ', 1)[0]),
    ['day.jsonl:41', 'day.jsonl:42', 'day.jsonl:43'],
  );
});
