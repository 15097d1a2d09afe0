import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders made through makeTempDir by this test file (each file runs in its own process). */
const made: string[] = [];

// On exit rather than in a node:test `after` hook: the file's own after hooks (which stop
// child processes and close databases) may be registered after this module loaded and
// would then run after it. Exit comes last, whether the tests passed or failed.
process.once('exit', () => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh folder under os.tmpdir() whose name starts with prefix, removed with everything
 * in it (a child process's data dir, databases, journals) when the test file ends.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
