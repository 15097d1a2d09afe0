// WebAssembly modules of the engine, compiled from AssemblyScript (wasm/*.ts) into the
// engine's dist folder, where their loaders read them by path. Run by scripts/build.mjs.
import asc from 'assemblyscript/asc';

const MODULES = [
  {
    source: 'wasm/frame-reader.ts',
    output: 'dist/main/engine/market/frame-reader.wasm',
    // 40 pages of 64 KiB: the module's fixed layout (wasm/frame-reader.ts) needs ~2.1 MiB.
    // One block, never grown, so the views JavaScript keeps on it stay valid.
    pages: 40,
  },
];

for (const { source, output, pages } of MODULES) {
  const { error, stderr } = await asc.main([
    source,
    '--outFile',
    output,
    '-O3',
    '--runtime',
    'stub',
    '--noAssert',
    '--enable',
    'simd',
    '--initialMemory',
    String(pages),
    '--maximumMemory',
    String(pages),
  ]);
  if (error) {
    console.error(`build-wasm: ${source}: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
}
