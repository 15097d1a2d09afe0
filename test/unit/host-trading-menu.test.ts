import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand } from '../../shared/api.js';
import { TRADING_MENU } from '../../main/host/trading-menu.js';

test('every Trading menu entry sends a valid command, the kill switch first with its hotkey', () => {
  for (const entry of TRADING_MENU) assert.ok(parseCommand(entry.command).ok, entry.label);
  assert.deepEqual(TRADING_MENU[0]!.command, {
    type: 'setKillSwitch',
    on: true,
    reason: 'halted by the trader from the menu',
  });
  assert.equal(TRADING_MENU[0]!.accelerator, 'CmdOrCtrl+Shift+K');
  const accelerators = TRADING_MENU.flatMap((e) => (e.accelerator ? [e.accelerator] : []));
  assert.equal(new Set(accelerators).size, accelerators.length, 'no accelerator twice');
  assert.ok(
    !accelerators.includes('CmdOrCtrl+Shift+R'),
    'Ctrl+Shift+R stays the window’s Reduce only toggle',
  );
});
