import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FAKE_ENGINE_PATH, isAlive, waitFor } from './host-helpers.js';
import { makeTempDir } from '../temp-dirs.js';
import { ENGINE_NODE_FLAGS } from '../../main/engine/process/engine-node-flags.js';

const CLI = path.join(__dirname, '..', '..', 'main', 'cli', 'index.js');
const URL_LINE =
  /^Lockstep headless UI: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))$/m;

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

test('`lockstep headless --port 0` prints the URL with its token, serves it, and stops cleanly on SIGTERM', async () => {
  const dir = makeTempDir('lockstep-headless-cli-');
  const child = spawn(
    process.execPath,
    [CLI, 'headless', '--port', '0', '--data-dir', dir, '--engine', FAKE_ENGINE_PATH],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'info' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const match = await waitFor(
      `the URL line (stderr so far: ${stderr.slice(-500)})`,
      () => URL_LINE.exec(stdout) ?? undefined,
      30_000,
    );
    const [, url, port, token] = match;
    assert.notEqual(Number(port), 0);
    assert.equal(
      stdout.trim().split('\n').length,
      1,
      'stdout holds only the URL line; logs go to stderr',
    );
    assert.equal(await status(`http://127.0.0.1:${port}/`), 401);
    const uiBuilt = existsSync(path.join(__dirname, '..', '..', 'ui', 'index.html'));
    assert.equal(await status(url!), uiBuilt ? 200 : 503);
    assert.ok(token);

    const enginePid = await waitFor('the engine pid in the log', () => {
      const ready = stderr.split('\n').find((line) => line.includes('"msg":"engine ready"'));
      return ready ? (JSON.parse(ready) as { enginePid: number }).enginePid : undefined;
    });
    assert.ok(isAlive(enginePid));
    // The engine child runs with the engine's Node options (its code on 2 MiB pages).
    const cmdline = `/proc/${enginePid}/cmdline`;
    if (existsSync(cmdline)) {
      const args = readFileSync(cmdline, 'utf8').split('\0');
      for (const flag of ENGINE_NODE_FLAGS) assert.ok(args.includes(flag), `${flag} in ${args}`);
    }

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await waitFor('the engine to be gone', () => !isAlive(enginePid));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('`lockstep headless` with a bad config exits non-zero naming the key, before starting anything', () => {
  const dir = makeTempDir('lockstep-headless-cli-');
  const config = path.join(dir, 'bad.toml');
  writeFileSync(config, '[strategy.params]\nimbalance_threshold = 2\n');
  const result = spawnSync(
    process.execPath,
    [
      CLI,
      'headless',
      '--port',
      '0',
      '--config',
      config,
      '--data-dir',
      dir,
      '--engine',
      FAKE_ENGINE_PATH,
    ],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /strategy\.params\.imbalance_threshold must be a number with 0 < imbalance_threshold < 1; got 2/,
  );
  assert.equal(result.stdout, '');
});

test('`lockstep headless` refuses a bad port and a missing engine with clear sentences', () => {
  const dir = makeTempDir('lockstep-headless-cli-');
  const badPort = spawnSync(
    process.execPath,
    [CLI, 'headless', '--port', '70000', '--data-dir', dir],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /--port must be an integer from 0 to 65535, got 70000/);
  const noEngine = spawnSync(
    process.execPath,
    [CLI, 'headless', '--port', '0', '--data-dir', dir, '--engine', path.join(dir, 'none.js')],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  assert.equal(noEngine.status, 1);
  assert.match(noEngine.stderr, /the engine is not built \(.*none\.js is missing\)/);
});

test('`lockstep headless --help` lists its options', () => {
  const result = spawnSync(process.execPath, [CLI, 'headless', '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 0);
  for (const option of ['--config FILE', '--port PORT', '--data-dir DIR', '--sim'])
    assert.ok(result.stdout.includes(option), option);
});
