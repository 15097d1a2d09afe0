// `npm run cli` builds if needed: when any source file is newer than the last build.
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureInstalled } from './ensure-installed.mjs';

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

ensureInstalled({ quiet: false });
const stamp = 'dist/.tsbuildinfo';
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(...['main', 'shared', 'renderer', 'test', 'wasm'].map(newestMtime));
if (sources > built || !existsSync('dist/ui/index.html')) {
  const result = spawnSync('node', ['scripts/build.mjs'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc rewrites its stamp only when TypeScript changed: after a build for wasm/ alone it
  // would stay older than the source, and every later run would build again.
  const now = new Date();
  utimesSync(stamp, now, now);
}
