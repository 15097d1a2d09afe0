import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
export function electronBinary(): { path: string } | { missing: string } {
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
