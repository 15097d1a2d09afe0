import { BrowserWindow, screen } from 'electron';
import {
  fitOnScreen,
  loadWindowBounds,
  MIN_WINDOW_SIZE,
  saveWindowBoundsSync,
} from '../host/window-bounds.js';
import type { HostLogger } from '../host/logger.js';
import { secureWebPreferences } from './hardening.js';

/**
 * The one window, where the trader left it: size, position and maximised state come from
 * window-state.json in the data folder (kept on a display that still exists) and are
 * written back when the window closes.
 */
export async function createMainWindow(options: {
  readonly preload: string;
  readonly stateDir: string;
  readonly logger: HostLogger;
}): Promise<BrowserWindow> {
  const { bounds, problem } = await loadWindowBounds(options.stateDir);
  if (problem) options.logger.warn(`${problem}; the window opens at its default size`);
  const fitted = fitOnScreen(
    bounds,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const win = new BrowserWindow({
    ...(fitted.x !== undefined && fitted.y !== undefined ? { x: fitted.x, y: fitted.y } : {}),
    width: fitted.width,
    height: fitted.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    backgroundColor: '#0b0e11',
    title: 'Lockstep',
    webPreferences: secureWebPreferences(options.preload),
  });
  if (fitted.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    try {
      saveWindowBoundsSync(options.stateDir, {
        ...win.getNormalBounds(),
        maximized: win.isMaximized(),
      });
    } catch (error) {
      options.logger.warn({ err: error }, 'could not remember the window position');
    }
  });
  return win;
}
