import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { convertHftbacktest } from '../main/engine/recording/hftbacktest-convert.js';

// Compiled to dist/test/: the repository root is two folders up.
/** The repository root, where the tests find their data (never beside it). */
export const REPO_ROOT = join(__dirname, '..', '..');
/** The compiled command line the CLI tests run. */
export const CLI = join(REPO_ROOT, 'dist', 'main', 'cli', 'index.js');
/** The real recordings (see test/fixtures/README.md). */
export const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures');
export const BTC_FIXTURE = join(FIXTURE_DIR, 'hftbacktest-binance-spot-btcusdt-20240808.gz');
export const ETH_FIXTURE = join(FIXTURE_DIR, 'hftbacktest-binance-spot-ethusdt-20240808.gz');

/**
 * The real BTCUSDT fixture converted to the recording format at `out`, cut to its first
 * `lines` lines so an engine test stays short on a shared machine (the full conversion is
 * left beside it as btc-full.jsonl, in the caller's temporary folder).
 */
export async function writeBtcRecording(out: string, lines: number): Promise<void> {
  const full = join(dirname(out), 'btc-full.jsonl');
  await convertHftbacktest(BTC_FIXTURE, 'BTCUSDT', full);
  writeFileSync(out, readFileSync(full, 'utf8').split('\n').slice(0, lines).join('\n') + '\n');
}
