import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { makeTempDir } from '../temp-dirs.js';
import { electronBinary } from '../electron-harness/electron-binary.js';

/**
 * The real desktop app, when Electron's binary is installed: `--self-test` opens the
 * window, checks the preload exposed window.lockstep and the engine came up, and quits.
 * Skipped, saying why, where the binary is absent.
 */

const electron = electronBinary();

test(
  'the Electron app starts, exposes the preload API and runs the engine',
  {
    skip:
      'missing' in electron
        ? `${electron.missing}; the Electron-free parts are tested in electron-*.test.ts`
        : false,
  },
  () => {
    const main = path.join(__dirname, '..', '..', 'main', 'electron', 'main.js');
    if (!('path' in electron)) return;
    const dataDir = makeTempDir('lockstep-electron-');
    const result = spawnSync(
      electron.path,
      [main, '--self-test', '--data-dir', dataDir, '--no-sandbox'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ELECTRON_ENABLE_LOGGING: '0' },
      },
    );
    assert.match(result.stdout, /lockstep self-test: preload ok, engine running/, result.stderr);
  },
);
