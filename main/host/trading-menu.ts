import type { Command } from '../../shared/api.js';

/**
 * The window's Trading menu, Electron-free so it can be tested: what each entry sends.
 * A menu entry works whatever panel has the focus, and its accelerator is the window's
 * own hotkey (the menu takes the key first, so both paths do the same thing). The
 * default Electron View menu binds Ctrl+Shift+R to "force reload", which would swallow
 * the Reduce only hotkey: the application menu is built without it.
 */
export interface TradingMenuEntry {
  readonly label: string;
  /** Electron accelerator syntax. */
  readonly accelerator?: string;
  readonly command: Command;
}

export const TRADING_MENU: readonly TradingMenuEntry[] = [
  {
    label: 'Halt all trading (kill switch)',
    accelerator: 'CmdOrCtrl+Shift+K',
    command: { type: 'setKillSwitch', on: true, reason: 'halted by the trader from the menu' },
  },
  {
    label: 'Reduce only: on',
    command: { type: 'setReduceOnly', on: true, reason: 'reduce only turned on from the menu' },
  },
  {
    label: 'Reduce only: off',
    command: { type: 'setReduceOnly', on: false, reason: 'reduce only turned off from the menu' },
  },
  {
    label: 'Cancel all orders',
    accelerator: 'CmdOrCtrl+Shift+X',
    command: { type: 'cancelAll' },
  },
  {
    label: 'Flatten all positions',
    accelerator: 'CmdOrCtrl+Shift+F',
    command: { type: 'flatten' },
  },
];
