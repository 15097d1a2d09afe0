// `npm test`: install what is missing, build, then every suite in one node:test run —
// unit and integration in plain Node, e2e in Debian's Chromium through playwright-core.
// The last line of output is `N passed, N failed, N skipped`.
import { existsSync, readdirSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureInstalled } from './ensure-installed.mjs';

ensureInstalled();
const build = spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

// `npm test -- unit` (or integration, e2e) runs one suite.
const suites = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['unit', 'integration', 'e2e'];
// Only compiled tests whose source still exists: tsc never deletes the output of a test
// file that was removed or renamed, and a stale copy must not run (or fail) forever.
const files = suites
  .flatMap((suite) => testFiles(join('dist/test', suite)))
  .filter((file) => existsSync(file.replace(/^dist[\\/]/, '').replace(/\.js$/, '.ts')))
  .sort();
mkdirSync('test-results', { recursive: true });
const summaryFile = 'test-results/summary.txt';
// One file at a time: stress and e2e tests own the machine's 2 cores while they run.
const run = spawnSync(
  'node',
  [
    '--test',
    '--test-concurrency=1',
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/summary-reporter.mjs',
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
);
const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8').trim() : '';
console.log(summary || `0 passed, 1 failed`);
if (!summary) writeFileSync(summaryFile, '0 passed, 1 failed\n');
process.exit(run.status ?? 1);
