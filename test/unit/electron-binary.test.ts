import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../temp-dirs.js';

/**
 * The real desktop app, when Electron's binary is installed: `--self-test` opens the
 * window, checks the preload exposed window.lockstep and the engine came up, and quits.
 * Skipped, saying why, where the binary is absent.
 */

/** Where electron/install.js puts the binary inside the package's dist/, per platform. */
const PLATFORM_BINARY: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

/**
 * The installed binary, or why there is none. Read the way the electron package reads it
 * (path.txt names the binary in dist/), but without requiring the package: its main
 * module tries to download a missing binary, which a test must never do.
 */
function electronBinary(): { path: string } | { missing: string } {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(__filename).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed in node_modules' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const name = existsSync(pathFile)
    ? readFileSync(pathFile, 'utf8').trim()
    : (PLATFORM_BINARY[process.platform] ?? 'electron');
  const binaryPath = path.join(packageDir, 'dist', name);
  const shown = path.join('node_modules', path.relative(path.dirname(packageDir), binaryPath));
  if (!existsSync(pathFile)) {
    return {
      missing: `Electron's binary is not installed at ${shown}: electron/path.txt is missing, so its postinstall download did not run or did not finish`,
    };
  }
  if (!existsSync(binaryPath)) {
    return { missing: `Electron's binary is not installed at ${shown}: the file is missing` };
  }
  return { path: binaryPath };
}

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
