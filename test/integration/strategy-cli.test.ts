import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';
import { FeatureVector } from '../../main/engine/strategy/features/feature-vector.js';
import {
  logRegProbability,
  normaliseInto,
  readLogRegSidecar,
} from '../../main/engine/strategy/signals/logreg-model.js';
import { MLSignalGenerator } from '../../main/engine/strategy/signals/ml-signal.js';
import { DEFAULT_STRATEGY_PARAMS } from '../../shared/config.js';
import { Rng } from '../../main/engine/core/rng.js';
import { BTC_FIXTURE, REPO_ROOT } from '../fixture-files.js';
import { runCli } from './run-cli.js';

const LEADING = 'ts_us,update_id,mid,spread_bps,imbalance,weighted_imbalance,volatility,momentum';

let dir = '';
let recording = '';

function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const lines = text.trimEnd().split('\n');
  const header = lines[0]!.split(',');
  const rows = lines
    .slice(1)
    .map((line) => line.split(',').map((cell) => (cell === '' ? NaN : Number(cell))));
  return { header, rows };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'strategy-cli-'));
  recording = path.join(dir, 'btcusdt.jsonl');
  await convertHftbacktest(BTC_FIXTURE, 'BTCUSDT', recording);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('features CLI: real Binance data, the contract columns, and every row obeys docs/ARCHITECTURE.md §5', async () => {
  const out = path.join(dir, 'features.csv');
  const run = await runCli(['features', '--data', recording, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const summary = /features: (\d+) rows .*BTCUSDT: (\d+) book updates, (\d+) trades, 0 gaps/.exec(
    run.stderr,
  );
  assert.ok(summary, run.stderr);
  const { header, rows } = parseCsv(readFileSync(out, 'utf8'));
  assert.equal(header.slice(0, 8).join(','), LEADING);
  assert.ok(
    header.includes('toxicity') && header.includes('vwap') && header.includes('book_pressure'),
  );
  assert.equal(rows.length, Number(summary[1]));
  assert.equal(rows.length, Number(summary[2]), 'every book update of this file has both sides');
  assert.ok(rows.length > 3000);

  // Recompute the window formulas from the CSV's own ts, mid and imbalance columns.
  const col = (name: string): number => header.indexOf(name);
  const {
    imbalance_decay: d,
    momentum_decay: alpha,
    feature_window_ms: windowMs,
  } = DEFAULT_STRATEGY_PARAMS;
  let checked = 0;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k]!;
    let n = 0;
    while (k - n >= 0 && rows[k - n]![0]! >= row[0]! - windowMs * 1000) n++;
    let num = 0;
    let den = 0;
    let sq = 0;
    let mom = 0;
    for (let i = 0; i < n; i++) {
      num += d ** i * rows[k - i]![col('imbalance')]!;
      den += d ** i;
      if (i < n - 1) {
        const r = Math.log(rows[k - i]![col('mid')]! / rows[k - i - 1]![col('mid')]!);
        sq += r * r;
        mom += alpha ** i * r;
      }
    }
    const near = (a: number, b: number, what: string): void =>
      assert.ok(
        Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)),
        `row ${k} ${what}: ${a} vs ${b}`,
      );
    near(row[col('weighted_imbalance')]!, num / den, 'weighted_imbalance');
    near(row[col('volatility')]!, n >= 2 ? Math.sqrt(sq / (n - 1)) : 0, 'volatility');
    near(row[col('momentum')]!, n >= 2 ? mom : 0, 'momentum');
    near(
      row[col('spread')]!,
      (row[col('spread_bps')]! * row[col('mid')]!) / 1e4,
      'spread vs spread_bps',
    );
    assert.ok(Math.abs(row[col('imbalance')]!) <= 1 && Math.abs(row[col('book_pressure')]!) <= 1);
    checked++;
  }
  assert.equal(checked, rows.length);
});

test('features CLI: a malformed line is reported by number and skipped; no row is lost', async () => {
  const lines = readFileSync(recording, 'utf8').split('\n').slice(0, 600);
  const clean = path.join(dir, 'clean.jsonl');
  const dirty = path.join(dir, 'dirty.jsonl');
  writeFileSync(clean, lines.join('\n') + '\n');
  writeFileSync(
    dirty,
    [...lines.slice(0, 299), '{"ts": oops', ...lines.slice(299)].join('\n') + '\n',
  );
  const a = await runCli(['features', '--data', clean]);
  const b = await runCli(['features', '--data', dirty]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /dirty\.jsonl:300: skipped: not valid JSON/);
  assert.match(b.stderr, /1 malformed/);
  assert.ok(a.stdout.split('\n').length > 20, 'stdout carries the CSV without --out');
  assert.equal(b.stdout, a.stdout, 'the same rows, bit for bit');
});

test('features CLI: a missing file, a bad config value, or a symbol with no book are clear errors', async () => {
  const missing = await runCli(['features', '--data', path.join(dir, 'nope.jsonl')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope\.jsonl does not exist/);

  const toml = path.join(dir, 'bad.toml');
  writeFileSync(toml, '[strategy.params]\nimbalance_threshold = 2\n');
  const bad = await runCli(['features', '--data', recording, '--config', toml]);
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /bad\.toml: .*strategy\.params\.imbalance_threshold must be a number with 0 < imbalance_threshold < 1; got 2/,
  );

  const other = await runCli(['features', '--data', recording, '--symbol', 'ETHUSDT']);
  assert.notEqual(other.code, 0);
  assert.match(
    other.stderr,
    /has no book update for ETHUSDT with both sides present; check --symbol/,
  );

  const usage = await runCli(['features']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--data FILE is required/);
});

test('train-model CLI: trains on real data, split by time, and the ONNX file reproduces its sidecar', async () => {
  const model = path.join(dir, 'models', 'm.onnx');
  const run = await runCli([
    'train-model',
    '--data',
    recording,
    '--out',
    model,
    '--iterations',
    '1500',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const meta = readLogRegSidecar(path.join(dir, 'models', 'm.json'));
  assert.deepEqual(meta.feature_names, [
    'spread_bps',
    'imbalance',
    'weighted_imbalance',
    'volatility',
    'momentum',
    'book_pressure',
    'trade_flow',
    'toxicity',
  ]);
  assert.ok(meta.train_rows > 2000 && meta.test_rows > 800);
  assert.ok(
    Math.abs(meta.train_rows / (meta.train_rows + meta.test_rows) - 0.7) < 0.001,
    'the first 70 % trains',
  );
  // On this BTCUSDT session the order book does carry information about the next move.
  assert.ok(
    meta.out_of_sample_accuracy > meta.baseline_accuracy,
    `out of sample ${meta.out_of_sample_accuracy} vs majority ${meta.baseline_accuracy}`,
  );
  await assertOnnxMatchesSidecar(model);
});

test('the shipped model assets/models/imbalance_logreg.onnx loads and matches sigmoid(w·x + b)', async () => {
  const model = path.join(REPO_ROOT, 'assets', 'models', 'imbalance_logreg.onnx');
  const meta = readLogRegSidecar(path.join(REPO_ROOT, 'assets', 'models', 'imbalance_logreg.json'));
  assert.equal(meta.feature_names.length, 8, 'the [1, 8] input');
  assert.ok(meta.out_of_sample_accuracy > 0.5);
  await assertOnnxMatchesSidecar(model);
});

async function assertOnnxMatchesSidecar(modelPath: string): Promise<void> {
  const meta = readLogRegSidecar(modelPath.replace(/\.onnx$/, '.json'));
  const ml = await MLSignalGenerator.load(modelPath, 'ml', DEFAULT_STRATEGY_PARAMS, {
    mode: 'lockstep',
    symbolCount: 1,
  });
  const vector = new FeatureVector(['mid', ...meta.feature_names]);
  const rng = new Rng(21);
  const raw = new Float64Array(meta.feature_names.length);
  const z = new Float64Array(meta.feature_names.length);
  for (let k = 0; k < 25; k++) {
    meta.feature_names.forEach((name, j) => {
      raw[j] = meta.normalisation.mean[j]! + rng.normal() * 2 * meta.normalisation.std[j]!;
      vector.values[vector.slot(name)] = raw[j]!;
    });
    ml.generate(vector);
    await ml.idle();
    normaliseInto(meta, raw, z);
    const expected = logRegProbability(meta, z);
    const got = ml.probabilities[0]!;
    assert.ok(
      Math.abs(got - expected) < 1e-5,
      `${modelPath} sample ${k}: onnx ${got} vs reference ${expected}`,
    );
  }
  await ml.close();
}
