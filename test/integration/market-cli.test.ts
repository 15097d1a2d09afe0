import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startSimulator } from '../../main/sim/start-simulator.js';
import { ETH_FIXTURE } from '../fixture-files.js';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/main/cli/index.js');
const SAMPLE = join(ROOT, 'assets/sample-recording.jsonl');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const depth = (U: number, u: number, b: [string, string][], a: [string, string][]) =>
  JSON.stringify({
    ts: 1_000_000 + u,
    stream: 'btcusdt@depth@100ms',
    data: { e: 'depthUpdate', E: u, s: 'BTCUSDT', U, u, b, a },
  });
const snapshot = (lastUpdateId: number, bids: [string, string][], asks: [string, string][]) =>
  JSON.stringify({
    ts: 1_000_000 + lastUpdateId,
    snapshot: 'BTCUSDT',
    data: { lastUpdateId, bids, asks },
  });

/** A recording whose final book is known by hand. */
const HANDMADE = [
  depth(101, 102, [['100.00000000', '1.00000000']], []), // 1: buffered, then applied over the snapshot
  snapshot(
    101,
    [
      ['100.00000000', '5.00000000'],
      ['99.00000000', '2.00000000'],
    ],
    [['101.00000000', '1.00000000']],
  ), // 2
  depth(
    103,
    104,
    [['99.50000000', '0.00001000']],
    [
      ['101.00000000', '0.00000000'],
      ['150.00000000', '3.00000000'],
    ],
  ), // 3
  '{"ts": 5, "stream": "btcusdt@depth@100ms", "data": {"e":"depthUpdate"', // 4: broken line
  depth(105, 105, [['99.00000000', '1e5']], []), // 5: malformed frame (bad quantity)
  depth(106, 107, [['98.00000000', '7.00000000']], []), // 6: gap (105 was lost)
  snapshot(
    107,
    [
      ['100.00000000', '1.00000000'],
      ['98.00000000', '7.00000000'],
    ],
    [['102.00000000', '4.00000000']],
  ), // 7
  depth(108, 110, [['100.00000000', '0.00000000']], [['101.50000000', '0.50000000']]), // 8
];
const HANDMADE_BOOK = {
  symbol: 'BTCUSDT',
  last_update_id: 110,
  synced: true,
  gaps: 1,
  bids: [['98', '7']],
  asks: [
    ['101.5', '0.5'],
    ['102', '4'],
  ],
};

test('book --json prints the hand-computed book; malformed lines are reported by number and skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-cli-'));
  try {
    const file = join(dir, 'handmade.jsonl');
    writeFileSync(file, HANDMADE.join('\n') + '\n');
    const result = cli('book', '--data', file, '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), HANDMADE_BOOK);
    assert.match(result.stderr, /handmade\.jsonl:4: skipped malformed line: not valid JSON/);
    assert.match(
      result.stderr,
      /handmade\.jsonl:5: skipped malformed frame: depthUpdate b\.0\.1: quantity .*"1e5"/,
    );
    // The same file gzipped reads the same.
    writeFileSync(join(dir, 'handmade.jsonl.gz'), gzipSync(readFileSync(file)));
    const gz = cli('book', '--data', join(dir, 'handmade.jsonl.gz'), '--json', '--depth', '1');
    assert.equal(gz.status, 0, gz.stderr);
    assert.deepEqual(JSON.parse(gz.stdout), { ...HANDMADE_BOOK, asks: [['101.5', '0.5']] });
    // Cut before the last snapshot: the gap was never healed, and the output says so.
    writeFileSync(file, HANDMADE.slice(0, 6).join('\n'));
    const cut = JSON.parse(cli('book', '--data', file, '--json').stdout) as typeof HANDMADE_BOOK;
    assert.equal(cut.synced, false);
    assert.equal(cut.gaps, 1);
    assert.equal(cut.last_update_id, 104);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('book on the bundled sample: each symbol synced, best first, never crossed; without --symbol, the first symbol and the others named', () => {
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    const result = cli('book', '--data', SAMPLE, '--symbol', symbol, '--json', '--depth', '20');
    assert.equal(result.status, 0, result.stderr);
    const book = JSON.parse(result.stdout) as typeof HANDMADE_BOOK;
    assert.equal(book.symbol, symbol);
    assert.equal(book.synced, true);
    assert.ok(book.gaps >= 1, 'the sample holds gaps followed by snapshots');
    assert.equal(book.bids.length, 20);
    const bids = book.bids.map(([p]) => Number(p));
    const asks = book.asks.map(([p]) => Number(p));
    assert.deepEqual(
      bids,
      [...bids].sort((a, b) => b - a),
    );
    assert.deepEqual(
      asks,
      [...asks].sort((a, b) => a - b),
    );
    assert.ok(bids[0]! < asks[0]!);
  }
  // DESIGN §3's `book --data FILE --json` prints one object even for a multi-symbol file.
  const first = cli('book', '--data', SAMPLE, '--json');
  assert.equal(first.status, 0, first.stderr);
  const shown = (JSON.parse(first.stdout) as typeof HANDMADE_BOOK).symbol;
  assert.ok(['BTCUSDT', 'ETHUSDT'].includes(shown));
  assert.match(
    first.stderr,
    new RegExp(
      `holds (ETHUSDT, BTCUSDT|BTCUSDT, ETHUSDT); showing ${shown} \\(choose with --symbol\\)`,
    ),
  );
  const missing = cli('book', '--data', join(tmpdir(), 'no-such-recording.jsonl'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /does not exist/);
  const text = cli('book', '--data', SAMPLE, '--symbol', 'ETHUSDT', '--depth', '3');
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^ETHUSDT {2}last update \d+ {2}synced {2}gaps \d+/);
});

test('convert turns the hftbacktest ETHUSDT file into a recording that book replays without gaps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-cli-'));
  try {
    const out = join(dir, 'eth.jsonl');
    const converted = cli('convert', '--in', ETH_FIXTURE, '--symbol', 'ETHUSDT', '--out', out);
    assert.equal(converted.status, 0, converted.stderr);
    assert.match(converted.stdout, /converted 33618 lines: 33617 frames, 1 snapshots, 0 skipped/);
    const lastDiff = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => line.includes('@depth'))
      .map((line) => JSON.parse(line) as { data: { u: number } })
      .at(-1)!;
    const book = JSON.parse(cli('book', '--data', out, '--json').stdout) as typeof HANDMADE_BOOK;
    assert.equal(book.synced, true);
    assert.equal(book.gaps, 0);
    assert.equal(book.last_update_id, lastDiff.data.u);
    const bad = cli('convert', '--in', out, '--symbol', 'eth', '--out', join(dir, 'x.jsonl'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--symbol must be like BTCUSDT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('record end to end against the simulator: frames and re-fetched snapshots, and book rebuilds the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-cli-'));
  const sim = await startSimulator({ port: 0, seed: 3, symbols: ['BTCUSDT'], faults: 'drop=0.2' });
  try {
    const out = join(dir, 'rec.jsonl');
    const record = await new Promise<{ code: number | null; stderr: string; stdout: string }>(
      (resolve) => {
        const child = spawn(
          process.execPath,
          [
            CLI,
            'record',
            '--url',
            sim.url,
            '--symbols',
            'BTCUSDT',
            '--out',
            out,
            '--duration',
            '4',
          ],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stderr = '';
        let stdout = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.on('exit', (code) => resolve({ code, stderr, stdout }));
      },
    );
    assert.equal(record.code, 0, record.stderr);
    assert.match(record.stdout, /recorded \d+ frames and \d+ snapshots/);
    assert.match(record.stderr, /record: \d+ frames, \d+ snapshots, \d+ gaps/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const snapshots = lines.filter((line) => line.includes('"snapshot":"BTCUSDT"'));
    assert.ok(
      snapshots.length >= 2,
      `a first snapshot and at least one after a gap: ${snapshots.length}`,
    );
    assert.ok(lines.some((line) => line.includes('"stream":"btcusdt@trade"')));
    const book = cli('book', '--data', out, '--json');
    assert.equal(book.status, 0, book.stderr);
    const parsed = JSON.parse(book.stdout) as typeof HANDMADE_BOOK;
    assert.ok(parsed.gaps >= 1);
    // Every gap the replay sees was seen live too and answered by a snapshot line (unless
    // the recording stopped first: then the book says it is not synced).
    assert.ok(
      snapshots.length >= parsed.gaps + (parsed.synced ? 1 : 0),
      `${snapshots.length} snapshots, ${parsed.gaps} gaps`,
    );
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An --out path the refused commands below must never reach. */
const NEVER_WRITTEN = join(tmpdir(), 'lockstep-refused-record.jsonl');

test('bad options are refused with a sentence and a non-zero exit', () => {
  const url = cli('record', '--url', 'http://x', '--symbols', 'BTCUSDT', '--out', NEVER_WRITTEN);
  assert.equal(url.status, 2);
  assert.match(url.stderr, /--url must start with ws:\/\/ or wss:\/\//);
  const duration = cli(
    'record',
    '--url',
    'ws://127.0.0.1:1',
    '--symbols',
    'BTCUSDT',
    '--out',
    NEVER_WRITTEN,
    '--duration',
    '-1',
  );
  assert.equal(duration.status, 2);
  assert.match(duration.stderr, /--duration must be a positive number of seconds/);
  const depth = cli('book', '--data', SAMPLE, '--depth', '0');
  assert.equal(depth.status, 2);
  assert.match(depth.stderr, /--depth must be a positive integer/);
  const required = cli('book');
  assert.equal(required.status, 2);
  assert.match(required.stderr, /--data FILE is required/);
});
