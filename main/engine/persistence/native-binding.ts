import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Which compiled better-sqlite3 to load. Plain Node (tests, CLI, headless) and Electron
 * (the desktop engine's utility process) embed different Node ABIs, and node_modules holds
 * the Node build. Plain Node loads that one directly (see openDatabase: one SQLite copy per
 * process); Electron's build is kept aside in build/native/electron-<abi>/better_sqlite3.node
 * (scripts/native-abi.mjs makes it, once) and Electron's engine picks the one for its ABI:
 * switching between `npm start` and `npm test` then rebuilds nothing. Where there is none
 * (a packaged app, whose node_modules electron-builder built for Electron), better-sqlite3's
 * own lookup is used.
 */

/** The repository's build/native (this file is dist/main/engine/persistence/native-binding.js). */
const NATIVE_BUILDS_DIR = path.join(__dirname, '..', '..', '..', '..', 'build', 'native');

export interface RuntimeVersions {
  readonly modules: string;
  readonly electron?: string;
}

/** `node-115`, `electron-140`: the runtime and its NODE_MODULE_VERSION. */
export function nativeRuntimeTag(versions: RuntimeVersions = process.versions): string {
  return `${versions.electron ? 'electron' : 'node'}-${versions.modules}`;
}

/**
 * Where the builds are: LOCKSTEP_NATIVE_DIR (the packaged app's main process points its
 * engine at resources/native), then the repository's build/native.
 */
export function nativeBuildDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const given = env.LOCKSTEP_NATIVE_DIR?.trim();
  return [...(given ? [given] : []), NATIVE_BUILDS_DIR];
}

/** The side-by-side build for this runtime, or undefined to let better-sqlite3 find its own. */
export function betterSqliteBinding(
  dirs: string | readonly string[] = nativeBuildDirs(),
  versions: RuntimeVersions = process.versions,
): string | undefined {
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    const file = path.join(dir, nativeRuntimeTag(versions), 'better_sqlite3.node');
    if (existsSync(file)) return file;
  }
  return undefined;
}
