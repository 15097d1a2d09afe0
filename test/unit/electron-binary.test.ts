import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The real desktop app, when Electron's binary is installed: `--self-test` opens the
 * window, checks the preload exposed window.lockstep and the engine came up, and quits.
 * Skipped where the binary is absent (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1).
 */
function electronBinary(): string | null {
  try {
    // The electron package's main export is the binary's path; it throws when not downloaded.
    const resolved: unknown = createRequire(__filename)('electron');
    return typeof resolved === 'string' && existsSync(resolved) ? resolved : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test(
  'the Electron app starts, exposes the preload API and runs the engine',
  {
    skip:
      binary === null
        ? 'Electron binary not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD=1); the Electron-free parts are tested in electron-*.test.ts'
        : false,
  },
  () => {
    const main = path.join(__dirname, '..', '..', 'main', 'electron', 'main.js');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lockstep-electron-'));
    const result = spawnSync(
      binary!,
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
