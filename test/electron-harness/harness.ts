import { rmSync } from 'node:fs';
import { makeTempDir } from '../temp-dirs.js';
import type { CommandAck, EngineState, LockstepApi } from '../../shared/api.js';
import { findMenuItem, type FakeBrowserWindow, type FakeElectron } from './fake-electron.js';

/** Polls until `probe` returns a value; the bound only turns a hang into a clear failure. */
export async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A temp folder (also removed at exit by makeTempDir) that a test can remove early. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = makeTempDir(prefix);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The page's side: what the preload exposed as window.lockstep, and the states it got. */
export interface Renderer {
  readonly api: LockstepApi;
  readonly states: EngineState[];
  latest(): EngineState | null;
  send(command: Parameters<LockstepApi['send']>[0]): Promise<CommandAck>;
}

export function rendererOf(electron: FakeElectron, win: FakeBrowserWindow): Renderer {
  const world = electron.renderers.get(win.contents);
  if (!world) throw new Error('the preload did not run in the window');
  const api = world.exposed.lockstep as LockstepApi | undefined;
  if (!api) throw new Error('the preload exposed no window.lockstep');
  const states: EngineState[] = [];
  api.onState((state) => states.push(state));
  return {
    api,
    states,
    latest: () => states.at(-1) ?? null,
    send: (command) => api.send(command),
  };
}

export function clickMenu(electron: FakeElectron, id: string): void {
  const item = electron.applicationMenu ? findMenuItem(electron.applicationMenu.items, id) : null;
  if (!item) throw new Error(`no menu item '${id}'`);
  const click = item.options.click as (...args: unknown[]) => void;
  click(item.options, electron.windows[0] ?? null, { triggeredByAccelerator: false });
}

export { isAlive } from '../pid-alive.js';

/** Index of the first recorded call named `api`; -1 when absent. */
export function callIndex(electron: FakeElectron, api: string): number {
  return electron.calls.findIndex((call) => call.api === api);
}
