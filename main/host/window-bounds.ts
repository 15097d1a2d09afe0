import { mkdirSync, promises as fs, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The window's remembered size and position: a small JSON file in the app's data folder,
 * read at start and written when the window closes. Electron-free, so the rules (a
 * damaged file falls back to defaults, a window saved on a monitor that is gone comes
 * back on one that is there) are tested in plain Node.
 */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowBounds {
  /** Absent: let the OS centre the window. */
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_WINDOW_BOUNDS: WindowBounds = { width: 1600, height: 1000, maximized: false };
export const MIN_WINDOW_SIZE = { width: 1000, height: 640 } as const;

const isInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e6;

/** Parses the file's text; throws one sentence naming the file and the key that is wrong. */
export function parseWindowBounds(text: string, file: string): WindowBounds {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not JSON`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: not a JSON object`);
  const value = raw as Record<string, unknown>;
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    if (!isInt(value[key])) throw new Error(`${file}: "${key}" must be a whole number`);
  }
  if (typeof value.maximized !== 'boolean')
    throw new Error(`${file}: "maximized" must be true or false`);
  return {
    x: value.x as number,
    y: value.y as number,
    width: value.width as number,
    height: value.height as number,
    maximized: value.maximized,
  };
}

/**
 * Keeps a remembered window reachable: its size is clamped to the largest work area, and a
 * position whose title bar is on no display (a monitor was unplugged) is dropped so the OS
 * centres it.
 */
export function fitOnScreen(saved: WindowBounds, workAreas: readonly Rect[]): WindowBounds {
  if (workAreas.length === 0) return saved;
  const widest = Math.max(...workAreas.map((a) => a.width));
  const tallest = Math.max(...workAreas.map((a) => a.height));
  const width = Math.max(MIN_WINDOW_SIZE.width, Math.min(saved.width, widest));
  const height = Math.max(MIN_WINDOW_SIZE.height, Math.min(saved.height, tallest));
  if (saved.x === undefined || saved.y === undefined)
    return { width, height, maximized: saved.maximized };
  const { x, y } = saved;
  // The title bar (top 32 px, at least 100 px of its width) must be on some display.
  const titleVisible = workAreas.some(
    (a) =>
      y >= a.y &&
      y + 32 <= a.y + a.height &&
      Math.min(x + width, a.x + a.width) - Math.max(x, a.x) >= 100,
  );
  return titleVisible
    ? { x, y, width, height, maximized: saved.maximized }
    : { width, height, maximized: saved.maximized };
}

/** The remembered bounds, or the defaults (with the reason) when there are none or they are damaged. */
export async function loadWindowBounds(
  dir: string,
): Promise<{ bounds: WindowBounds; problem: string | null }> {
  const file = path.join(dir, WINDOW_STATE_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { bounds: DEFAULT_WINDOW_BOUNDS, problem: null };
  }
  try {
    return { bounds: parseWindowBounds(text, file), problem: null };
  } catch (error) {
    return { bounds: DEFAULT_WINDOW_BOUNDS, problem: (error as Error).message };
  }
}

/** Written synchronously: it runs while the window closes, and the process may end right after. */
export function saveWindowBoundsSync(dir: string, bounds: Rect & { maximized: boolean }): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, WINDOW_STATE_FILE);
  const value = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized: bounds.maximized,
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}
