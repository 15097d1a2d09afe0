// better-sqlite3 is compiled against one runtime's ABI. Plain Node (tests, CLI, headless)
// and Electron (the desktop window: a different embedded Node) need different builds of
// it, and node_modules holds one. A marker says which build is there; each launcher asks
// for its runtime and the module is rebuilt only when it changes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { installEnv } from './env.mjs';

const MARKER = 'node_modules/.lockstep-native-runtime';

export function nativeRuntime() {
  return existsSync(MARKER) ? readFileSync(MARKER, 'utf8').trim() : 'node';
}

/** Makes the native modules match `runtime` ('node' or 'electron'); false if that failed. */
export function ensureNativeFor(runtime) {
  if (nativeRuntime() === runtime) return true;
  console.error(`lockstep: rebuilding native modules for ${runtime} …`);
  const [command, args] =
    runtime === 'electron'
      ? ['npx', ['electron-builder', 'install-app-deps']]
      : ['npm', ['rebuild', 'better-sqlite3']];
  const result = spawnSync(command, args, { stdio: 'inherit', env: installEnv });
  if (result.status !== 0) return false;
  writeFileSync(MARKER, runtime);
  return true;
}
