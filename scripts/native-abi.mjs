// better-sqlite3 is compiled against one runtime's ABI: plain Node (tests, CLI, headless)
// and Electron (the desktop engine's utility process) need different builds. Rather than
// rebuilding node_modules back and forth (83 s each way), node_modules keeps the Node build
// (plain Node loads it directly, never a copy) and Electron's is built once, aside, into
// build/native/electron-<abi>/better_sqlite3.node, which the Electron engine loads
// (main/engine/persistence/native-binding.ts).
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { installEnv } from './env.mjs';

export const NATIVE_BUILDS = join('build', 'native');
const FILE = 'better_sqlite3.node';
export const NETWORK_ERROR =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network connectivity)\b/;
const BUILT = join('better-sqlite3', 'build', 'Release', FILE);

export function nativeBuildPath(runtime, abi, root = '.') {
  return join(root, NATIVE_BUILDS, `${runtime}-${abi}`, FILE);
}

/**
 * Plain Node: node_modules' own build is the Node one and is loaded from there, so nothing
 * is copied. Returns 'ready' when it is there, or null (failed legacy undo, or no build).
 */
export function ensureNativeForNode({ modules = 'node_modules' } = {}) {
  // Before side-by-side builds, `npm start` rebuilt node_modules for Electron and left this
  // marker; undo that once.
  const legacyMarker = join(modules, '.lockstep-native-runtime');
  if (existsSync(legacyMarker) && readFileSync(legacyMarker, 'utf8').trim() === 'electron') {
    console.error(
      'lockstep: rebuilding better-sqlite3 for Node once (it was built for Electron) …',
    );
    const result = spawnSync('npm', ['rebuild', 'better-sqlite3'], {
      stdio: 'inherit',
      env: installEnv,
    });
    if (result.status !== 0) return null;
    rmSync(legacyMarker);
  }
  return existsSync(join(modules, BUILT)) ? 'ready' : null;
}

/** Electron's NODE_MODULE_VERSION and version, asked of the binary itself. */
export function electronAbi(electronBinary) {
  const probe = spawnSync(
    electronBinary,
    ['-p', 'process.versions.modules + " " + process.versions.electron'],
    { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 },
  );
  const [abi, version] = String(probe.stdout ?? '')
    .trim()
    .split(' ');
  return probe.status === 0 && abi && version ? { abi, version } : null;
}

/**
 * Electron: built once into build/native/electron-<abi> from a private copy of the
 * module's sources, so the shared node_modules is untouched. `target` is the binary to
 * ask, or { abi, version } (packaging, where no binary runs). Returns what it did, or null.
 */
export function ensureNativeForElectron(
  electronBinaryOrTarget,
  {
    root = '.',
    modules = 'node_modules',
    build = true,
    onProblem = (message) => console.error(`lockstep: ${message}`),
  } = {},
) {
  const target =
    typeof electronBinaryOrTarget === 'string'
      ? electronAbi(electronBinaryOrTarget)
      : electronBinaryOrTarget;
  if (!target) return null;
  const destination = nativeBuildPath('electron', target.abi, root);
  if (existsSync(destination)) return 'present';
  if (!build) return null;
  console.error(
    `lockstep: building better-sqlite3 for Electron ${target.version} (ABI ${target.abi}) once, into ${NATIVE_BUILDS} …`,
  );
  const work = join(root, NATIVE_BUILDS, '.work');
  rmSync(work, { recursive: true, force: true });
  const sources = join(modules, 'better-sqlite3');
  cpSync(sources, join(work, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (path) => relative(sources, path).split(sep)[0] !== 'build',
  });
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({
      name: 'lockstep-native-build',
      private: true,
      dependencies: { 'better-sqlite3': '*' },
    }),
  );
  const result = spawnSync(
    process.execPath,
    [
      join(modules, '@electron', 'rebuild', 'lib', 'cli.js'),
      '--version',
      target.version,
      '--module-dir',
      work,
      '--only',
      'better-sqlite3',
      '--force',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: installEnv },
  );
  const built = join(work, 'node_modules', BUILT);
  if (result.status !== 0 || !existsSync(built)) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    const network = NETWORK_ERROR.exec(output);
    if (!network) process.stderr.write(output);
    onProblem(
      network
        ? `building better-sqlite3 for Electron ${target.version} needs a download — a prebuilt binary ` +
            `(github.com/WiseLibs/better-sqlite3 releases) or Electron's headers ` +
            `(https://electronjs.org/headers/v${target.version}) — and there is no network (${network[1] === 'network connectivity' ? 'node-gyp could not reach it' : network[1]}).`
        : `better-sqlite3 could not be built for Electron ${target.version} (ABI ${target.abi}); see the messages above.`,
    );
    rmSync(work, { recursive: true, force: true });
    return null;
  }
  mkdirSync(join(destination, '..'), { recursive: true });
  copyFileSync(built, destination);
  rmSync(work, { recursive: true, force: true });
  return 'built';
}
