import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';
import { readRecording } from '../../main/engine/recording/recording-reader.js';
import { formatFixed } from '../../shared/domain.js';
import { FIXTURE_DIR } from './market-helpers.js';

/**
 * docs/ARCHITECTURE.md §4: a snapshot whose lastUpdateId + 1 equals the first buffered diff's U
 * continues the book exactly and is used. Both cases are cut from the real recordings in
 * test/fixtures (neither has a gap of its own); each cut is described where it is made.
 */

interface Line {
  readonly text: string;
  readonly depth: { U: number; u: number } | null;
  readonly snapshotL: number | null;
}

async function convertedLines(name: string, symbol: string, dir: string): Promise<Line[]> {
  const out = join(dir, `${symbol}.jsonl`);
  await convertHftbacktest(join(FIXTURE_DIR, name), symbol, out);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((text) => text !== '')
    .map((text) => {
      const parsed = JSON.parse(text) as {
        stream?: string;
        snapshot?: string;
        data: { U?: number; u?: number; lastUpdateId?: number };
      };
      return {
        text,
        depth: parsed.stream?.includes('@depth') ? { U: parsed.data.U!, u: parsed.data.u! } : null,
        snapshotL: parsed.snapshot !== undefined ? parsed.data.lastUpdateId! : null,
      };
    });
}

interface BookResult {
  synced: boolean;
  lastUpdateId: number;
  gaps: number;
  tooOld: number;
  bids: [string, string][];
  asks: [string, string][];
}

async function bookOf(path: string, symbol: string): Promise<BookResult> {
  const p = new MarketPipeline([symbol], { depthLevelsForRecord: 0 }, () => undefined);
  for await (const event of readRecording(path)) {
    if (event.kind === 'frame') p.onFrame(event.data, event.tsUs, 0);
    else if (event.kind === 'snapshot') p.onSnapshot(event.symbol, event.data, event.tsUs);
  }
  const state = p.book(symbol);
  const side = (levels: [number, number][]): [string, string][] =>
    levels.map(([price, qty]) => [formatFixed(price), formatFixed(qty)]);
  return {
    synced: state.synced,
    lastUpdateId: state.lastUpdateId,
    gaps: p.counters.gaps,
    tooOld: p.counters.snapshotsTooOld,
    bids: side(state.book.bids.levels()),
    asks: side(state.book.asks.levels()),
  };
}

function write(dir: string, name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

test('real ETHUSDT: a snapshot arriving after the diff whose U = lastUpdateId + 1 is used, and the book is exact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapshot-continuation-'));
  try {
    const lines = await convertedLines(
      'hftbacktest-binance-spot-ethusdt-20240808.gz',
      'ETHUSDT',
      dir,
    );
    const at = lines.findIndex((line) => line.snapshotL !== null);
    const L = lines[at]!.snapshotL!;
    const next = lines.findIndex((line, i) => i > at && line.depth !== null);
    assert.equal(lines[next]!.depth!.U, L + 1, 'the fixture: the first diff after the snapshot');
    // The cut: the diffs before the snapshot (all contained in it) are lost, and the
    // snapshot's answer arrives only after the diff U = L + 1 (a slow REST fetch).
    const cut = lines
      .filter((line, i) => !(i < at && line.depth !== null))
      .map((line) => line.text);
    const snapshotLine = cut.splice(cut.indexOf(lines[at]!.text), 1)[0]!;
    cut.splice(cut.indexOf(lines[next]!.text) + 1, 0, snapshotLine);

    const whole = await bookOf(
      write(
        dir,
        'whole.jsonl',
        lines.map((l) => l.text),
      ),
      'ETHUSDT',
    );
    const result = await bookOf(write(dir, 'cut.jsonl', cut), 'ETHUSDT');
    assert.equal(whole.synced, true);
    assert.equal(result.tooOld, 0, 'the continuing snapshot is not refused');
    assert.equal(result.synced, true);
    assert.equal(result.gaps, 0);
    assert.equal(result.lastUpdateId, whole.lastUpdateId);
    assert.deepEqual(result.bids, whole.bids);
    assert.deepEqual(result.asks, whole.asks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real BTCUSDT with three gaps cut in: each fresh snapshot at exactly U - 1 of the buffered diff resyncs; the book ends synced and equal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapshot-continuation-'));
  try {
    const lines = await convertedLines(
      'hftbacktest-binance-spot-btcusdt-20240808.gz',
      'BTCUSDT',
      dir,
    );
    const depthAt = lines.flatMap((line, i) => (line.depth !== null ? [i] : []));
    // Drop three diffs (a third, half and three quarters into the file). After each, the
    // next diff is a gap and is buffered; then comes the snapshot a REST fetch made right
    // after the dropped diff would return: the real book as of its u (built from the
    // file's own events), with lastUpdateId = that u = the buffered diff's U - 1.
    const dropped = [0.33, 0.5, 0.75].map((f) => depthAt[Math.floor(depthAt.length * f)]!);
    const cut: string[] = [];
    const prefix: string[] = [];
    const pending = new Map<number, string>();
    for (let i = 0; i < lines.length; i++) {
      prefix.push(lines[i]!.text);
      if (dropped.includes(i)) {
        const path = write(dir, 'prefix.jsonl', prefix);
        const book = await bookOf(path, 'BTCUSDT');
        assert.equal(book.lastUpdateId, lines[i]!.depth!.u);
        const body = JSON.stringify({
          lastUpdateId: book.lastUpdateId,
          bids: book.bids,
          asks: book.asks,
        });
        const nextDiff = depthAt[depthAt.indexOf(i) + 1]!;
        assert.equal(lines[nextDiff]!.depth!.U, book.lastUpdateId + 1);
        pending.set(nextDiff, `{"ts":1,"snapshot":"BTCUSDT","data":${body}}`);
        continue; // the diff is lost
      }
      cut.push(lines[i]!.text);
      const snapshot = pending.get(i);
      if (snapshot !== undefined) cut.push(snapshot);
    }

    const whole = await bookOf(
      write(
        dir,
        'whole.jsonl',
        lines.map((l) => l.text),
      ),
      'BTCUSDT',
    );
    const result = await bookOf(write(dir, 'cut.jsonl', cut), 'BTCUSDT');
    assert.equal(result.gaps, 3, 'the three cuts are gaps');
    assert.equal(result.tooOld, 0, 'no continuing snapshot is refused');
    assert.equal(result.synced, true);
    assert.equal(result.lastUpdateId, whole.lastUpdateId);
    assert.deepEqual(result.bids, whole.bids);
    assert.deepEqual(result.asks, whole.asks);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
