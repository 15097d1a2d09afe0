import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'main', 'cli', 'index.js');
const execFileAsync = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

test('sim --help lists every option', async () => {
  const { code, stdout } = await cli('sim', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: lockstep sim /);
  for (const option of [
    '--port',
    '--seed',
    '--symbols',
    '--replay',
    '--speed',
    '--rate',
    '--faults',
    '--record-sample',
    '--duration',
    '--help',
  ]) {
    assert.ok(stdout.includes(option), `${option} in the help`);
  }
});

test('bad options are refused with a sentence that says what is wrong (exit 2)', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option --bogus/],
    [['--faults', 'drop=2'], /"drop=2".*probability from 0 to 1/],
    [['--faults', 'silence=10s'], /"silence=10s" needs DURATION@START/],
    [['--speed', 'max'], /--speed max applies to --replay only/],
    [['--speed', 'fast'], /--speed must be a positive number or "max", got "fast"/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--symbols', 'BTC-USDT'], /"BTC-USDT" is not one/],
    [['--rate', '0'], /--rate must be more than 0/],
    [['--duration', '5'], /--duration goes with --record-sample/],
    [['--seed', '-1'], /--seed must be an integer/],
  ];
  for (const [args, pattern] of cases) {
    const { code, stderr } = await cli('sim', ...args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, pattern, args.join(' '));
  }
  const missing = await cli(
    'sim',
    '--port',
    '0',
    '--replay',
    join(ROOT, 'no-such-recording.jsonl'),
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no-such-recording\.jsonl does not exist/);
});

test('sim prints its URLs, serves the streams and REST, and stops cleanly on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [CLI, 'sim', '--port', '0', '--seed', '3', '--symbols', 'ethusdt', '--faults', 'dup=0.1'],
    { cwd: ROOT },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  try {
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    const match =
      /^Lockstep simulator: (ws:\/\/127\.0\.0\.1:(\d+))\/stream\?streams=ethusdt@depth@100ms\/ethusdt@trade\/ethusdt@bookTicker {2}REST (http:\/\/127\.0\.0\.1:\d+)\/api\/v3\/depth\?symbol=ETHUSDT&limit=1000$/.exec(
        line,
      );
    assert.ok(match, line);
    const res = await fetch(`${match[3]}/api/v3/depth?symbol=ETHUSDT&limit=5`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { bids: unknown[] }).bids.length, 5);
    assert.match(stderr, /generating ETHUSDT, seed 3, 10 diffs\/s; faults dup=0\.1; Ctrl-C stops/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
  }
});

test('sim --record-sample writes the same recording for the same seed, and reports its gaps', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-sim-cli-'));
  try {
    const a = await cli(
      'sim',
      '--record-sample',
      join(dir, 'a.jsonl'),
      '--duration',
      '4',
      '--seed',
      '12',
      '--faults',
      'drop=0.05',
    );
    const b = await cli(
      'sim',
      '--record-sample',
      join(dir, 'b.jsonl'),
      '--duration',
      '4',
      '--seed',
      '12',
      '--faults',
      'drop=0.05',
    );
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.match(
      a.stdout,
      /^wrote .*a\.jsonl: \d+ lines \(\d+ frames, \d+ snapshots\), gaps BTCUSDT \d+, ETHUSDT \d+, [\d.]+ MB, seed 12\n$/,
    );
    assert.ok(readFileSync(join(dir, 'a.jsonl')).equals(readFileSync(join(dir, 'b.jsonl'))));
    const refused = await cli(
      'sim',
      '--record-sample',
      join(dir, 'c.jsonl'),
      '--faults',
      'disconnect=1s',
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /disconnect fault has no meaning for a sample recording/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
