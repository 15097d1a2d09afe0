import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import { readRecording } from '../../main/engine/recording/recording-reader.js';
import { symbolOfStream } from '../../main/engine/recording/recording-line.js';
import { recordSample } from '../../main/sim/sample-recorder.js';

const ROOT = join(__dirname, '..', '..', '..');
const SAMPLE = join(ROOT, 'assets', 'sample-recording.jsonl');
const CLI = join(ROOT, 'dist', 'main', 'cli', 'index.js');
const run = promisify(execFile);

test('the bundled sample is byte for byte what its documented command makes (seed 7, 75 s, drop=0.002)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-sample-'));
  try {
    const out = join(dir, 'sample.jsonl');
    const result = await recordSample({ out, seed: 7, durationS: 75, faults: 'drop=0.002' });
    assert.ok(
      readFileSync(out).equals(readFileSync(SAMPLE)),
      'regenerate it with: npm run cli -- sim --record-sample assets/sample-recording.jsonl --duration 75 --seed 7 --faults drop=0.002',
    );
    assert.deepEqual(result.gaps, { BTCUSDT: 2, ETHUSDT: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the sample replays cleanly: both books synced at the end, every gap answered by a fresh snapshot, nothing malformed', async () => {
  assert.ok(statSync(SAMPLE).size < 5_000_000, 'under 5 MB');
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const pipeline = new MarketPipeline(symbols, {}, () => undefined);
  const kinds = new Map<string, number>();
  let first = NaN;
  let last = NaN;
  let malformedLines = 0;
  const unsyncedSince = new Map<string, number>();
  let gapsAnswered = 0;
  for await (const event of readRecording(SAMPLE)) {
    if (event.kind === 'malformed') {
      malformedLines++;
      continue;
    }
    if (Number.isNaN(first)) first = event.tsUs;
    last = event.tsUs;
    if (event.kind === 'snapshot') {
      kinds.set('snapshot', (kinds.get('snapshot') ?? 0) + 1);
      pipeline.onSnapshot(event.symbol, event.data, event.tsUs);
      if (unsyncedSince.has(event.symbol) && pipeline.book(event.symbol).synced) {
        unsyncedSince.delete(event.symbol);
        gapsAnswered++;
      }
      continue;
    }
    const kind = event.stream.slice(event.stream.indexOf('@') + 1);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const symbol = symbolOfStream(event.stream);
    const wasSynced = pipeline.book(symbol).synced;
    pipeline.onFrame(event.data, event.tsUs, 0);
    if (wasSynced && !pipeline.book(symbol).synced) unsyncedSince.set(symbol, event.tsUs);
  }
  assert.equal(malformedLines, 0);
  assert.equal(pipeline.counters.malformed, 0);
  for (const symbol of symbols) assert.ok(pipeline.book(symbol).synced, `${symbol} ends synced`);
  assert.equal(pipeline.counters.gaps, 4, 'a couple of gaps per symbol');
  assert.equal(gapsAnswered, 4, 'each gap is followed by a snapshot that resyncs the book');
  const seconds = (last - first) / 1e6;
  assert.ok(seconds >= 60 && seconds <= 90, `${seconds} s of market`);
  assert.ok(
    (kinds.get('depth@100ms') ?? 0) > 1400 &&
      (kinds.get('trade') ?? 0) > 1000 &&
      (kinds.get('bookTicker') ?? 0) > 1000,
    JSON.stringify([...kinds]),
  );
  assert.equal(kinds.get('snapshot'), 6, 'two initial snapshots and one after each gap');
});

test("replay --json on the sample: nothing malformed; the defaults trade, the seed's confidence scales do not", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-sample-replay-'));
  try {
    const seedConfig = join(dir, 'seed-scales.toml');
    writeFileSync(
      seedConfig,
      '[strategy.params]\nmin_confidence = 0.7\nmomentum_scale = 0.01\nvolatility_scale = 0.01\n',
    );
    const replay = async (...extra: string[]) =>
      JSON.parse(
        (
          await run(process.execPath, [CLI, 'replay', '--data', SAMPLE, '--json', ...extra], {
            cwd: ROOT,
          })
        ).stdout,
      ) as Record<string, number>;
    const standard = await replay();
    assert.equal(standard.malformed, 0);
    assert.equal(standard.gaps, 2, 'BTCUSDT, the default symbol, has two gaps');
    assert.equal(standard.resyncs, 2);
    assert.ok(
      standard.orders! > 0 && standard.fills! > 0,
      `orders ${standard.orders}, fills ${standard.fills}`,
    );
    const seed = await replay('--config', seedConfig);
    assert.equal(seed.orders, 0, "the seed's 1 % momentum scale never reaches 0.7 on 100 ms data");
    assert.ok(seed.suppressed_signals! > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
