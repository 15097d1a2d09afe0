import { spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from '../fixture-files.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled `lockstep` command with `args` from the repository root and collects
 * its output. With `until`, the command is stopped (SIGTERM) as soon as its stderr matches:
 * for a command reading an endless file, once it has said what it must.
 */
export function runCli(args: string[], until?: RegExp): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (until?.test(stderr)) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
