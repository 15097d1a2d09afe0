import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';

/**
 * Every line of the real BTCUSDT recording twice (an exchange or a recorder resending
 * each frame): diffs are dropped by `u`, trades by their id, a second snapshot is not
 * needed, so book, features and replay print what they print for the original.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'main', 'cli', 'index.js');
const BTC_FIXTURE = path.join(
  ROOT,
  'test',
  'fixtures',
  'hftbacktest-binance-spot-btcusdt-20240808.gz',
);

let dir = '';
let original = '';
let doubled = '';
let config = '';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'duplicate-lines-'));
  original = path.join(dir, 'btcusdt.jsonl');
  await convertHftbacktest(BTC_FIXTURE, 'BTCUSDT', original);
  const lines = readFileSync(original, 'utf8').split('\n').filter(Boolean);
  doubled = path.join(dir, 'btcusdt-doubled.jsonl');
  writeFileSync(doubled, lines.flatMap((line) => [line, line]).join('\n') + '\n');
  // Trading often enough that a doubled trade would show in fills and PnL.
  config = path.join(dir, 'aggressive.toml');
  writeFileSync(config, '[strategy.params]\nmin_confidence = 0.3\nimbalance_threshold = 0.2\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('book --json: the doubled recording gives the same book', async () => {
  const a = await cli(['book', '--data', original, '--json', '--depth', '50']);
  const b = await cli(['book', '--data', doubled, '--json', '--depth', '50']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stdout, a.stdout);
});

test('features: the doubled recording gives the same rows (trade flow, VPIN and all), bit for bit', async () => {
  const a = await cli(['features', '--data', original]);
  const b = await cli(['features', '--data', doubled]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.match(a.stderr, /9757 trades/);
  assert.match(b.stderr, /9757 trades/);
  assert.ok(a.stdout.split('\n').length > 3000);
  assert.equal(b.stdout, a.stdout);
});

test('replay --json: the doubled recording gives the same trades, orders, fills and PnL', async () => {
  const a = await cli(['replay', '--data', original, '--config', config, '--json']);
  const b = await cli(['replay', '--data', doubled, '--config', config, '--json']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const outcome = (text: string): Record<string, unknown> => {
    const summary = JSON.parse(text) as Record<string, unknown>;
    // What may differ: the lines read, and measured times.
    for (const key of [
      'messages',
      'tick_to_trade_us',
      'elapsed_ms',
      'messages_per_second',
      'startup_ms',
    ])
      delete summary[key];
    return summary;
  };
  const first = outcome(a.stdout);
  assert.equal(first.trades, 9757);
  assert.ok((first.fills as number) > 0, 'the config trades');
  assert.deepEqual(outcome(b.stdout), first);
});
