import { readdirSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { FakeElectron, type FakeElectronOptions } from './fake-electron.js';

/**
 * Loads the compiled Electron main process (dist/main/electron/main.js) in plain Node with
 * the stand-in 'electron' module: `require('electron')` from any file of main/electron
 * resolves to this launch's stand-in (Signal Desktop's approach — the code under test is
 * the shipped file, unmodified). Each launch re-evaluates main/electron/*.js, as a new
 * process would.
 */
export const DIST = path.join(__dirname, '..', '..');
const MAIN_JS = path.join(DIST, 'main', 'electron', 'main.js');
const ELECTRON_DIR = path.dirname(MAIN_JS);
export const UTILITY_MAIN = path.join(__dirname, 'utility-process-main.js');

type ResolveFilename = (
  request: string,
  parent: NodeModule | undefined,
  ...rest: unknown[]
) => string;
const moduleInternals = Module as unknown as {
  _resolveFilename: ResolveFilename;
  _cache: Record<string, NodeModule>;
};

let installed = false;
let launches = 0;
const standInFor = new Map<string, string>();

function installResolver(): void {
  if (installed) return;
  installed = true;
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (request, parent, ...rest) {
    if (request === 'electron' && parent?.filename) {
      const key = standInFor.get(parent.filename);
      if (key) return key;
      if (parent.filename.startsWith(ELECTRON_DIR + path.sep))
        throw new Error(`${parent.filename} required electron outside a harness launch`);
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** Starts main.js as `electron . <argv>` would, with a fresh stand-in; 'ready' is up to the test. */
export function launchMain(
  argv: readonly string[],
  options: Omit<FakeElectronOptions, 'utilityMain' | 'appVersion'> &
    Partial<Pick<FakeElectronOptions, 'appVersion'>>,
): FakeElectron {
  installResolver();
  const electron = new FakeElectron({
    appVersion: '0.1.0-test',
    ...options,
    utilityMain: UTILITY_MAIN,
  });
  const key = `\0electron-stand-in-${++launches}`;
  const stub = new Module(key);
  stub.exports = electron.mainModule;
  stub.loaded = true;
  moduleInternals._cache[key] = stub;
  for (const file of Object.keys(moduleInternals._cache)) {
    if (file.startsWith(ELECTRON_DIR + path.sep)) {
      delete moduleInternals._cache[file];
    }
  }
  for (const name of readdirSync(ELECTRON_DIR)) {
    if (name.endsWith('.js')) standInFor.set(path.join(ELECTRON_DIR, name), key);
  }
  const savedArgv = process.argv;
  process.argv = [process.execPath, DIST, ...argv];
  try {
    Module.createRequire(__filename)(MAIN_JS);
  } finally {
    process.argv = savedArgv;
  }
  return electron;
}
