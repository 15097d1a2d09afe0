import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';

/**
 * Bad input to the recording commands (book, features, replay): each problem is one
 * sentence on stderr naming the file, the line and the value, and never a stack trace.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'main', 'cli', 'index.js');
const BTC_FIXTURE = path.join(
  ROOT,
  'test',
  'fixtures',
  'hftbacktest-binance-spot-btcusdt-20240808.gz',
);
const SIXTEEN_MIB = 16 * 1024 * 1024;

let dir = '';
let lines: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], until?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // A command reading an endless file: stop it once it has said what it must.
      if (until?.test(stderr)) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const noStackTrace = (run: Run): void => {
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
  const bookClean = await cli(['book', '--data', clean, '--json']);
  const bookDirty = await cli(['book', '--data', dirty, '--json']);
  assert.equal(bookDirty.code, 0, bookDirty.stderr);
  assert.match(
    bookDirty.stderr,
    /long-line\.jsonl:400: skipped malformed line: line longer than 16 MiB; skipped to its end/,
  );
  assert.equal(bookDirty.stdout, bookClean.stdout);

  const featuresClean = await cli(['features', '--data', clean]);
  const featuresDirty = await cli(['features', '--data', dirty]);
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
    const run = await cli(args, /:1: skipped.*line longer than 16 MiB/);
    assert.match(run.stderr, /\/dev\/zero:1: skipped.*line longer than 16 MiB/, args.join(' '));
    assert.doesNotMatch(run.stderr, /RangeError|Invalid string length/);
    noStackTrace(run);
  }
});
