import { fork } from 'node:child_process';
import type { EngineChild, ForkEngine } from './engine-child.js';

/**
 * Starts the engine as a Node child process (headless mode and tests). stdout and stderr
 * are piped so the supervisor can route them to the host's logger instead of letting
 * them interleave with the host's own stdout.
 */
export const forkNodeEngine: ForkEngine = (modulePath, options): EngineChild => {
  const child = fork(modulePath, [], {
    env: options.env,
    execArgv: options.execArgv ? [...options.execArgv] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  // A spawn failure (e.g. ENOENT for node itself) is reported as an exit, which the
  // supervisor already handles; without a listener it would crash the host.
  child.on('error', () => undefined);
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (child.connected) child.send(message);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      child.on('exit', (code, signal) => listener(code, signal));
    },
    onOutput(listener) {
      child.stdout?.on('data', (text: string) => listener('stdout', text));
      child.stderr?.on('data', (text: string) => listener('stderr', text));
    },
    kill(signal) {
      child.kill(signal);
    },
  };
};
