// One build: asc compiles the engine's WebAssembly (wasm/, scripts/build-wasm.mjs); tsc
// compiles main, engine workers, CLI, shared and tests to dist/ (tsc rather than a bundler
// because worker_threads and utilityProcess load files by path, and one compiler pass both
// type-checks and emits); Vite bundles the renderer to dist/ui.
import { spawnSync } from 'node:child_process';

function run(label, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed`);
    process.exit(result.status ?? 1);
  }
  console.error(`build: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const only = process.argv[2];
if (only !== 'renderer') {
  run('asc', 'node', ['scripts/build-wasm.mjs']);
  run('tsc', 'npx', ['tsc', '-p', 'tsconfig.json']);
}
if (only !== 'main')
  run('vite', 'npx', [
    'vite',
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--logLevel',
    'warn',
  ]);
