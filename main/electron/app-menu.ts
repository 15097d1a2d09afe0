import type { MenuItemConstructorOptions } from 'electron';
import type { Command } from '../../shared/api.js';
import { TRADING_MENU } from '../host/trading-menu.js';

/**
 * The application menu a trader reaches without the mouse: the Trading commands of
 * main/host/trading-menu.ts (the kill switch on Ctrl/Cmd+Shift+K, reduce only, cancel all,
 * flatten — each works whatever panel has the focus), Edit (copy and paste in the
 * parameter fields need it on macOS), View without the reload entries (Ctrl+Shift+R is
 * Reduce only's hotkey, and a reload mid-session gains the trader nothing), Window, About
 * with versions, and Quit — which goes through the same confirmation as closing the window.
 */

export interface MenuActions {
  /** Sends a Trading command; `label` names it if it is refused. */
  readonly send: (command: Command, label: string) => void;
  /** File → Open Recording…: the native open dialog, then a replay (never the live engine). */
  readonly openRecording: () => void;
  readonly about: () => void;
  readonly quit: () => void;
}

/** A stable id per Trading entry (tests and getMenuItemById find entries by it). */
function tradingId(command: Command): string {
  switch (command.type) {
    case 'setKillSwitch':
      return command.on ? 'kill-switch' : 'kill-switch-off';
    case 'setReduceOnly':
      return command.on ? 'reduce-only-on' : 'reduce-only-off';
    case 'cancelAll':
      return 'cancel-all';
    case 'flatten':
      return 'flatten-all';
    default:
      return command.type;
  }
}

export function appMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const quit: MenuItemConstructorOptions = {
    id: 'quit',
    label: mac ? 'Quit Lockstep' : 'Quit',
    accelerator: 'CommandOrControl+Q',
    click: actions.quit,
  };
  const openRecording: MenuItemConstructorOptions = {
    id: 'open-recording',
    label: 'Open Recording…',
    accelerator: 'CommandOrControl+O',
    click: actions.openRecording,
  };
  const about: MenuItemConstructorOptions = {
    id: 'about',
    label: 'About Lockstep',
    click: actions.about,
  };
  const trading: MenuItemConstructorOptions[] = TRADING_MENU.map((entry) => ({
    id: tradingId(entry.command),
    label: entry.label,
    ...(entry.accelerator === undefined ? {} : { accelerator: entry.accelerator }),
    click: () => actions.send(entry.command, entry.label),
  }));
  // Halt, then the two reduce-only entries, then the order commands.
  trading.splice(3, 0, { type: 'separator' });
  return [
    ...(mac
      ? [
          {
            label: 'Lockstep',
            submenu: [
              about,
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              quit,
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: mac ? [openRecording] : [openRecording, { type: 'separator' }, quit],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'Trading', submenu: trading },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    ...(mac ? [] : [{ label: 'Help', submenu: [about] } satisfies MenuItemConstructorOptions]),
  ];
}
/** The About text: what a bug report needs. */
export function aboutDetail(appVersion: string, versions: NodeJS.ProcessVersions): string {
  const electronVersions = versions as NodeJS.ProcessVersions & {
    electron?: string;
    chrome?: string;
  };
  return [
    `Lockstep ${appVersion}`,
    `Electron ${electronVersions.electron ?? 'unknown'}`,
    `Chromium ${electronVersions.chrome ?? 'unknown'}`,
    `Node ${versions.node}`,
    `V8 ${versions.v8}`,
    `${process.platform} ${process.arch}`,
  ].join('\n');
}
