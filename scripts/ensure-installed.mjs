// Installs dependencies when node_modules is missing or older than package-lock.json.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { installEnv } from './env.mjs';
import { ensureNativeForNode } from './native-abi.mjs';
import { DESKTOP_TOOLING_NODE, projectNodeProblem } from './node-support.mjs';

export function ensureInstalled({ quiet = false } = {}) {
  const tooOld = projectNodeProblem(process.versions.node);
  if (tooOld) {
    console.error(`lockstep: ${tooOld}`);
    process.exit(1);
  }
  const marker = 'node_modules/.package-lock.json';
  const fresh =
    existsSync(marker) &&
    (!existsSync('package-lock.json') ||
      statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs);
  if (fresh) {
    // Tests, the CLI and headless run on plain Node, which loads node_modules' own build
    // of better-sqlite3; only a leftover Electron rebuild of it is undone here.
    if (!ensureNativeForNode()) {
      console.error(
        'lockstep: better-sqlite3 is not built for this Node; run `npm rebuild better-sqlite3`.',
      );
      process.exit(1);
    }
    return;
  }
  const command = existsSync('package-lock.json') ? 'ci' : 'install';
  if (!quiet) console.error(`lockstep: installing dependencies (npm ${command}) …`);
  // First try with Electron's binary (users want the desktop window); where it cannot be
  // downloaded, install without it and the app runs headless.
  let result = npm(command, installEnv);
  if (result.status !== 0) {
    console.error('lockstep: retrying without the Electron binary (headless mode will be used) …');
    result = npm(command, { ...installEnv, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
  }
  if (result.status !== 0) {
    console.error('lockstep: npm could not install the dependencies; see the messages above.');
    process.exit(result.status ?? 1);
  }
}

/** Splits npm's stderr into the EBADENGINE warnings' package names and everything else. */
export function withoutEngineWarnings(stderr) {
  const lines = stderr.split('\n');
  const packages = [
    ...new Set(
      lines
        .filter((line) => line.includes('EBADENGINE'))
        .map((line) => /package: '([^']+)'/.exec(line)?.[1])
        .filter((name) => name !== undefined),
    ),
  ];
  return { packages, rest: lines.filter((line) => !line.includes('EBADENGINE')).join('\n') };
}

/**
 * Runs npm, passing its messages through except EBADENGINE: on Node 20, Electron 45's
 * tooling (electron, @electron/get, @electron/rebuild, node-abi, extract-zip) declares
 * Node ≥ 22.12 and npm prints five five-line warnings about it. One line says it instead.
 */
function npm(command, env) {
  const result = spawnSync('npm', [command], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env,
    encoding: 'utf8',
  });
  const { packages, rest } = withoutEngineWarnings(String(result.stderr ?? ''));
  if (rest.trim() !== '') process.stderr.write(rest.endsWith('\n') ? rest : `${rest}\n`);
  if (packages.length > 0)
    console.error(
      `lockstep: ${packages.join(', ')} want Node ≥ ${DESKTOP_TOOLING_NODE} (this is ${process.version}): ` +
        'tests, CLI and headless run here; the desktop window needs that Node to be set up.',
    );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureInstalled();
