import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, saveScreenshot, waitUntil, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

let browser: Browser;
let host: FakeHost;
let opened: OpenedPage;

before(async () => {
  host = await startFakeHost({ stateHz: 100 });
  browser = await launchBrowser();
  opened = await openPage(host.url, { browser });
  await killSwitch(opened.page).getByText('TRADING').waitFor();
});

after(async () => {
  await opened?.close();
  await browser?.close();
  await host?.close();
});

const killSwitch = (page: Page) => page.getByRole('switch', { name: 'Kill switch' });
const killCommands = () => host.commands.filter((c) => c.command.type === 'setKillSwitch');

test('one click halts: the switch flips only once the host acked and the state says HALTED', async () => {
  const { page } = opened;
  const button = killSwitch(page);
  assert.equal(await button.getAttribute('aria-checked'), 'false');
  assert.equal(await button.getAttribute('aria-keyshortcuts'), 'Control+Shift+K');
  assert.match((await button.getAttribute('title'))!, /Ctrl\+Shift\+K/);
  const release = host.holdAcks('setKillSwitch');
  await button.click();
  const sent = await host.waitForCommand((c) => c.type === 'setKillSwitch');
  assert.equal(
    sent.command.type === 'setKillSwitch' && sent.command.on,
    true,
    'the command is setKillSwitch on',
  );
  assert.equal(await page.getByRole('dialog').count(), 0, 'halting asks no question');
  // Not acknowledged, not applied: the switch must not pretend.
  await page.waitForTimeout(300);
  assert.equal(await button.getAttribute('aria-checked'), 'false');
  assert.match((await button.textContent())!, /halting…/);
  // Acked and HALTED, but the trading thread has not acted yet: the switch says so.
  host.market.settled = false;
  release();
  await waitUntil(
    async () => (await button.getAttribute('aria-checked')) === 'true',
    'aria-checked to turn true',
  );
  assert.match((await button.textContent())!, /HALTED/);
  await waitUntil(
    async () => /cancelling open orders…/.test((await button.textContent())!),
    'the switch to say the halt is still taking effect',
  );
  assert.equal(await button.getAttribute('aria-busy'), 'true');
  host.market.settled = true;
  await waitUntil(
    async () => /click to re-arm/.test((await button.textContent())!),
    'the switch to say the halt settled',
  );
  assert.equal(await button.getAttribute('aria-busy'), 'false');
  assert.match(
    (await page.locator('#kill-switch-detail').textContent())!,
    /halted by the trader from the window — by trader at \d\d:\d\d:\d\d\.\d{3}/,
  );
  assert.equal(host.market.trading, 'HALTED');
  await saveScreenshot(page, 'kill-switch-halted');
});

test('re-arming asks first: Cancel keeps trading halted and sends nothing', async () => {
  const { page } = opened;
  const before = killCommands().length;
  await killSwitch(page).click();
  const dialog = page.getByRole('dialog', { name: 'Re-arm trading?' });
  await dialog.waitFor();
  assert.match((await dialog.textContent())!, /halted by the trader from the window/);
  await saveScreenshot(page, 'kill-switch-rearm-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForTimeout(200);
  assert.equal(killCommands().length, before);
  assert.equal(await killSwitch(page).getAttribute('aria-checked'), 'true');
});

test('re-arming with Escape also sends nothing; confirming sends setKillSwitch off', async () => {
  const { page } = opened;
  const before = killCommands().length;
  await killSwitch(page).click();
  const dialog = page.getByRole('dialog', { name: 'Re-arm trading?' });
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(killCommands().length, before);
  await killSwitch(page).click();
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Re-arm trading' }).click();
  await waitUntil(() => killCommands().length === before + 1, 'the re-arm command');
  const sent = killCommands()[before].command;
  assert.equal(sent.type === 'setKillSwitch' && sent.on, false);
  await waitUntil(
    async () => (await killSwitch(page).getAttribute('aria-checked')) === 'false',
    'aria-checked to turn false',
  );
  assert.match((await killSwitch(page).textContent())!, /TRADING/);
  assert.equal(host.market.trading, 'ACTIVE');
});

test('Ctrl+Shift+K halts from anywhere in the window, without a dialog', async () => {
  const { page } = opened;
  const before = killCommands().length;
  await page.locator('input[name="imbalance_threshold"]').focus();
  await page.keyboard.press('Control+Shift+K');
  await waitUntil(() => killCommands().length === before + 1, 'the hotkey command');
  const sent = killCommands()[before].command;
  assert.equal(sent.type === 'setKillSwitch' && sent.on, true);
  await waitUntil(
    async () => (await killSwitch(page).getAttribute('aria-checked')) === 'true',
    'HALTED',
  );
  // The hotkey never re-arms.
  await page.keyboard.press('Control+Shift+K');
  await page.waitForTimeout(200);
  assert.equal(killCommands().length, before + 1);
  assert.equal(await page.getByRole('dialog').count(), 0);
  // Back to trading for the next test.
  await killSwitch(page).click();
  await page
    .getByRole('dialog', { name: 'Re-arm trading?' })
    .getByRole('button', { name: 'Re-arm trading' })
    .click();
  await waitUntil(
    async () => (await killSwitch(page).getAttribute('aria-checked')) === 'false',
    'ACTIVE again',
  );
});

test('a refused kill switch command says why and leaves the switch as the engine reports it', async () => {
  const { page } = opened;
  host.refuseNext('setKillSwitch', 'the engine process is restarting');
  await killSwitch(page).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Kill switch not changed' });
  await alert.waitFor();
  assert.equal(
    await alert.textContent(),
    'Kill switch not changed: the engine process is restarting',
  );
  assert.equal(await killSwitch(page).getAttribute('aria-checked'), 'false');
});

test('when the engine halts on its own, the window says so prominently, with the reason', async () => {
  const { page } = opened;
  host.market.engineHalt('market data feed stale for 5 s');
  const banner = page
    .getByRole('alert')
    .filter({ hasText: 'The engine halted trading on its own' });
  await banner.waitFor();
  assert.match(
    (await banner.textContent())!,
    /at \d\d:\d\d:\d\d\.\d{3}: market data feed stale for 5 s\. Trading stays halted until you re-arm it/,
  );
  assert.equal(await killSwitch(page).getAttribute('aria-checked'), 'true');
  assert.match((await page.locator('#kill-switch-detail').textContent())!, /by engine/);
  await saveScreenshot(page, 'kill-switch-engine-halt');
  await killSwitch(page).click();
  await page
    .getByRole('dialog', { name: 'Re-arm trading?' })
    .getByRole('button', { name: 'Re-arm trading' })
    .click();
  await banner.waitFor({ state: 'detached' });
});

test('no page errors', () => {
  assert.deepEqual(opened.errors, []);
});
