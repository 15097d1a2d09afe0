import { Menu, dialog, type MenuItemConstructorOptions } from 'electron';
import type { CommandAck } from '../../shared/api.js';
import { TRADING_MENU } from '../host/trading-menu.js';

/**
 * The application menu: File, Edit, Trading (kill switch and the other commands that must
 * work from anywhere), View without the reload entries (Ctrl+Shift+R is Reduce only here,
 * and a reload mid-session gains the trader nothing), Window.
 */
export function installAppMenu(send: (command: unknown) => Promise<CommandAck>): void {
  const trading: MenuItemConstructorOptions[] = TRADING_MENU.map((entry) => ({
    label: entry.label,
    ...(entry.accelerator === undefined ? {} : { accelerator: entry.accelerator }),
    click: () => {
      void send(entry.command).then((ack) => {
        if (!ack.ok) dialog.showErrorBox(`${entry.label}: refused`, ack.reason);
      });
    },
  }));
  trading.splice(3, 0, { type: 'separator' });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'Trading', submenu: trading },
    {
      label: 'View',
      submenu: [
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
