import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateConfig } from '../../shared/config.js';
import { writeLoopedRecording } from '../../main/engine/bench/looped-recording.js';
import { runReplay } from '../../main/engine/process/replay-runner.js';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';
import { BTC_FIXTURE } from '../fixture-files.js';

/**
 * The bench's long replay: the real BTCUSDT recording looped. Each pass must trade on
 * the recording's own book (resynced from its snapshot after the seam's gap), so the
 * passes see every book update and trade the original has.
 */

let dir = '';
let original = '';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'looped-recording-'));
  original = path.join(dir, 'btcusdt.jsonl');
  await convertHftbacktest(BTC_FIXTURE, 'BTCUSDT', original);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const replay = (file: string, name: string) =>
  runReplay({
    dataFile: file,
    config: validateConfig({
      strategy: { params: { min_confidence: 0.3, imbalance_threshold: 0.2 } },
    }),
    dbPath: path.join(dir, `${name}.sqlite`),
  });

test('three passes of the real recording replay as three: every book update and trade, one resync per seam', async () => {
  const looped = path.join(dir, 'btcusdt-x3.jsonl');
  const lines = await writeLoopedRecording(original, looped, 3);
  const one = await replay(original, 'one');
  const three = await replay(looped, 'three');
  assert.equal(lines, 3 * one.messages);
  assert.equal(three.messages, 3 * one.messages);
  assert.equal(three.book_updates, 3 * one.book_updates);
  assert.equal(three.trades, 3 * one.trades, 'no trade of a later pass is taken for a duplicate');
  assert.equal(three.gaps, 2, 'the gap at each seam');
  assert.equal(three.resyncs, 2);
  assert.equal(three.malformed, 0);
  assert.ok(three.orders > 2 * one.orders, `every pass trades: ${three.orders} orders`);
});

test('a file with no snapshot cannot be looped, and says so', async () => {
  const bare = path.join(dir, 'bare.jsonl');
  writeFileSync(
    bare,
    '{"ts":1,"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1}}\n',
  );
  await assert.rejects(
    writeLoopedRecording(bare, path.join(dir, 'out.jsonl'), 2),
    /bare\.jsonl has no snapshot line/,
  );
});
