import { utilityProcess } from 'electron';
import type { EngineChild, ForkEngine } from '../host/engine-child.js';

/**
 * Starts the engine as an Electron utility process (a Node environment Chromium manages,
 * so the engine can crash without touching the window). The supervisor in main/host is
 * the same as headless; only this adapter knows Electron.
 */
export const forkUtilityEngine: ForkEngine = (modulePath, options): EngineChild => {
  const child = utilityProcess.fork(modulePath, [], {
    env: options.env as Record<string, string>,
    ...(options.execArgv ? { execArgv: [...options.execArgv] } : {}),
    stdio: 'pipe',
    serviceName: 'Lockstep engine',
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => {
      child.on('message', (message: unknown) => listener(message));
    },
    onExit: (listener) => {
      // A utility process reports only a code; a crash shows as a non-zero one.
      child.on('exit', (code) => listener(code, null));
    },
    onOutput: (listener) => {
      child.stdout?.on('data', (chunk: Buffer) => listener('stdout', chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => listener('stderr', chunk.toString('utf8')));
    },
    // Electron's kill takes no signal: it sends SIGTERM, which the engine answers with a
    // clean stop. The supervisor's SIGKILL is for an engine that hangs — one that would
    // ignore SIGTERM too — so that one goes to the pid directly.
    kill: (signal) => {
      if (signal === 'SIGKILL' && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
          return;
        } catch {
          // Already gone, or not ours to signal: fall back to Electron's own kill.
        }
      }
      child.kill();
    },
  };
};
