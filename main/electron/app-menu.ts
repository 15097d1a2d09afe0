import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu a trader reaches without the mouse: the kill switch on
 * Ctrl/Cmd+Shift+K, the trading commands, the usual Edit/View roles (copy and paste in
 * the parameter fields need them on macOS), About with versions, and Quit — which goes
 * through the same confirmation as closing the window.
 */

const KILL_SWITCH_ACCELERATOR = 'CommandOrControl+Shift+K';

export interface MenuActions {
  readonly killSwitch: () => void;
  readonly cancelAll: () => void;
  readonly flattenAll: () => void;
  readonly about: () => void;
  readonly quit: () => void;
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
  const about: MenuItemConstructorOptions = {
    id: 'about',
    label: 'About Lockstep',
    click: actions.about,
  };
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
      : [{ label: 'File', submenu: [quit] } satisfies MenuItemConstructorOptions]),
    {
      label: 'Trading',
      submenu: [
        {
          id: 'kill-switch',
          label: 'Kill Switch: Halt Trading',
          accelerator: KILL_SWITCH_ACCELERATOR,
          click: actions.killSwitch,
        },
        { type: 'separator' },
        { id: 'cancel-all', label: 'Cancel All Orders', click: actions.cancelAll },
        { id: 'flatten-all', label: 'Flatten All Positions', click: actions.flattenAll },
      ],
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
