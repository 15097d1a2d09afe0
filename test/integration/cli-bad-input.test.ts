import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';
import { BTC_FIXTURE } from '../fixture-files.js';
import { runCli, type CliRun } from './run-cli.js';

/**
 * Bad input to the recording commands (book, features, replay): each problem is one
 * sentence on stderr naming the file, the line and the value, and never a stack trace.
 */

const SIXTEEN_MIB = 16 * 1024 * 1024;

let dir = '';
let lines: string[] = [];

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const noStackTrace = (run: CliRun): void => {
  assert.doesNotMatch(run.stderr, /\n\s+at /, `a stack trace:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /node:internal/);
};

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-bad-input-'));
  const recording = path.join(dir, 'btcusdt.jsonl');
  await convertHftbacktest(BTC_FIXTURE, 'BTCUSDT', recording);
  lines = readFileSync(recording, 'utf8').split('\n').filter(Boolean).slice(0, 800);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('book and features: a line over 16 MiB is reported with its number and skipped; the output is unchanged', async () => {
  const clean = write('clean.jsonl', lines.join('\n') + '\n');
  const huge = '{"ts":1,"stream":"btcusdt@depth@100ms","data":' + ' '.repeat(SIXTEEN_MIB) + '{}}';
  const dirty = write(
    'long-line.jsonl',
    [...lines.slice(0, 399), huge, ...lines.slice(399)].join('\n') + '\n',
  );
  const bookClean = await runCli(['book', '--data', clean, '--json']);
  const bookDirty = await runCli(['book', '--data', dirty, '--json']);
  assert.equal(bookDirty.code, 0, bookDirty.stderr);
  assert.match(
    bookDirty.stderr,
    /long-line\.jsonl:400: skipped malformed line: line longer than 16 MiB; skipped to its end/,
  );
  assert.equal(bookDirty.stdout, bookClean.stdout);

  const featuresClean = await runCli(['features', '--data', clean]);
  const featuresDirty = await runCli(['features', '--data', dirty]);
  assert.equal(featuresDirty.code, 0, featuresDirty.stderr);
  assert.match(featuresDirty.stderr, /long-line\.jsonl:400: skipped: line longer than 16 MiB/);
  assert.equal(featuresDirty.stdout, featuresClean.stdout);
});

test('book and features on a file that is one endless line (/dev/zero) say so for line 1 and go on, without crashing', async (t) => {
  const endless = '/dev/zero';
  if (!existsSync(endless)) return t.skip('no /dev/zero here');
  for (const args of [
    ['book', '--data', endless],
    ['book', '--data', endless, '--symbol', 'BTCUSDT'],
    ['features', '--data', endless],
  ]) {
    const run = await runCli(args, /:1: skipped.*line longer than 16 MiB/);
    assert.match(run.stderr, /\/dev\/zero:1: skipped.*line longer than 16 MiB/, args.join(' '));
    assert.doesNotMatch(run.stderr, /RangeError|Invalid string length/);
    noStackTrace(run);
  }
});

test('a file that is not gzip inside: replay, book and features name it and the line, in one sentence', async () => {
  const bad = write('broken.jsonl.gz', Buffer.from([0x1f, 0x8b, 0x63, 0x00, 0x01, 0x02, 0x03]));
  for (const command of ['replay', 'book', 'features']) {
    const run = await runCli([command, '--data', bad]);
    assert.notEqual(run.code, 0, command);
    assert.match(
      run.stderr,
      /broken\.jsonl\.gz is not a readable gzip file: .+ \(at line 1\)/,
      `${command}: ${run.stderr}`,
    );
    noStackTrace(run);
    assert.equal(run.stderr.trim().split('\n').length, 1, `${command}: one line\n${run.stderr}`);
  }
});

test('replay of an hftbacktest collector file says to convert it first, in one sentence, instead of skipping every line', async () => {
  const run = await runCli(['replay', '--data', BTC_FIXTURE, '--json']);
  assert.notEqual(run.code, 0);
  assert.equal(run.stdout, '');
  assert.match(
    run.stderr,
    /is an hftbacktest collector file, not a recording; convert it first: lockstep convert --in .* --symbol BTCUSDT --out btcusdt\.jsonl/,
  );
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});

test('replay --db in a folder that does not exist: one sentence naming the path, no stack trace', async () => {
  const recording = write('small.jsonl', lines.slice(0, 50).join('\n') + '\n');
  const missing = path.join(dir, 'no-such-folder', 'replay.db');
  const run = await runCli(['replay', '--data', recording, '--db', missing]);
  assert.notEqual(run.code, 0);
  assert.match(
    run.stderr,
    /cannot create the database .*no-such-folder.replay\.db: the folder .*no-such-folder does not exist/,
  );
  noStackTrace(run);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
});

const CROSSING = [
  '{"ts":1000,"snapshot":"BTCUSDT","data":{"lastUpdateId":100,"bids":[["61000.00000000","1.00000000"]],"asks":[["61000.50000000","1.00000000"]]}}',
  '{"ts":1001,"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":101,"u":101,"b":[["61000.10000000","1e5"]],"a":[]}}',
  '{"ts":1002,"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":2,"s":"BTCUSDT","U":101,"u":102,"b":[["61001.00000000","2.00000000"]],"a":[]}}',
  '{"ts":1003,"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":5,"p":"-1","q":"1","T":1,"m":true,"M":true}}',
];

test('replay: malformed frames carry file:line and the value; a crossed book is told in decimal prices', async () => {
  const recording = write('crossing.jsonl', CROSSING.join('\n') + '\n');
  const run = await runCli(['replay', '--data', recording, '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /crossing\.jsonl:2: malformed frame dropped: .*quantity .*got "1e5"/);
  assert.match(run.stderr, /crossing\.jsonl:4: malformed frame dropped: .*price .*got "-1"/);
  assert.match(
    run.stderr,
    /crossing\.jsonl:3: BTCUSDT: crossed book after u=102: best bid 61001 >= best ask 61000\.5/,
  );
  assert.doesNotMatch(run.stderr, /6100100000000|6100050000000/, 'raw 1e-8 units');
  const summary = JSON.parse(run.stdout) as { malformed: number; resyncs: number };
  assert.equal(summary.malformed, 2);
  assert.equal(summary.resyncs, 1);
});

test('book: a crossed book is reported at its line in decimal prices, and the final book says why it is not synced', async () => {
  const recording = write('crossing-book.jsonl', CROSSING.join('\n') + '\n');
  const run = await runCli(['book', '--data', recording]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /crossing-book\.jsonl:3: crossed book after u=102: best bid 61001 >= best ask 61000\.5; not synced until the next snapshot line/,
  );
  assert.match(
    run.stdout,
    /NOT SYNCED \(crossed book after u=102: best bid 61001 >= best ask 61000\.5; no snapshot line followed\)/,
  );
  assert.doesNotMatch(run.stderr + run.stdout, /6100100000000|6100050000000/);
});
