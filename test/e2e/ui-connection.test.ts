import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, saveScreenshot, waitUntil, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

let browser: Browser;
let host: FakeHost;
let opened: OpenedPage;

before(async () => {
  host = await startFakeHost({ stateHz: 50 });
  browser = await launchBrowser();
  opened = await openPage(host.url, { browser });
  await opened.page
    .getByRole('status', { name: 'Connection' })
    .filter({ hasText: 'Feed: live' })
    .waitFor();
});

after(async () => {
  await opened?.close();
  await browser?.close();
  await host?.close();
});

const BANNER = 'Disconnected from the engine host — reconnecting…';
const subscribes = () => host.commands.filter((c) => c.command.type === 'subscribe').length;

test('the window subscribes on connect with the token from its own URL', () => {
  assert.equal(subscribes(), 1);
  assert.equal(host.openSockets, 1);
  assert.equal(host.refusedPayloads.length, 0);
});

test('a dropped connection shows the banner; it clears when the host is back', async () => {
  const { page } = opened;
  const banner = page.getByRole('alert').filter({ hasText: BANNER });
  assert.equal(await banner.count(), 0);
  host.setAccepting(false);
  host.dropConnections();
  await banner.waitFor();
  const connection = page.getByRole('status', { name: 'Connection' });
  assert.equal(await connection.textContent(), 'Feed: unknown (host disconnected)');
  // The last numbers stay on screen (marked not live), rather than vanishing.
  assert.equal(
    await page
      .getByRole('table', { name: 'Order book' })
      .locator('[data-side=bid][data-level="1"] .price')
      .textContent()
      .then((t) => /\d/.test(t ?? '')),
    true,
  );
  await saveScreenshot(page, 'disconnected');

  // While down, a command is refused at once with the reason, not left spinning.
  await page.getByRole('switch', { name: 'Kill switch' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'Kill switch not changed' });
  await refusal.waitFor();
  assert.match((await refusal.textContent())!, /not connected to the engine host/);

  const before = subscribes();
  host.setAccepting(true);
  await banner.waitFor({ state: 'detached', timeout: 20_000 });
  await waitUntil(() => subscribes() === before + 1, 'the window to subscribe again');
  await connection.filter({ hasText: 'Feed: live' }).waitFor();
  assert.equal(host.openSockets, 1, 'one socket, no duplicate connections');
});

test('a restarted host (sequence from 1 again) is shown, not ignored as old', async () => {
  const { page } = opened;
  const connection = page.getByRole('status', { name: 'Connection' });
  host.market.setSequence(1_000_000);
  await page.waitForTimeout(300);
  host.setAccepting(false);
  host.dropConnections();
  await page.getByRole('alert').filter({ hasText: BANNER }).waitFor();
  // The new host counts from 1; were the old watermark kept, every state would be dropped.
  host.market.setSequence(1);
  host.market.feed = 'syncing';
  host.setAccepting(true);
  await connection.filter({ hasText: 'Feed: syncing' }).waitFor({ timeout: 20_000 });
  host.market.feed = 'live';
  await connection.filter({ hasText: 'Feed: live' }).waitFor();
});

test('an engine restart behind a live connection: not-running banner, then the new run with the kill switch on', async () => {
  const { page } = opened;
  host.market.engineRunning = false;
  const down = page.getByRole('alert').filter({ hasText: 'The engine is not running' });
  await down.waitFor();
  // The new run: restart count up, sequence from 1, halted by the engine until re-armed.
  host.market.restarts = 1;
  host.market.setSequence(1);
  host.market.engineRunning = true;
  host.market.engineHalt('engine restarted; positions restored from SQLite');
  await down.waitFor({ state: 'detached' });
  await page
    .getByRole('alert')
    .filter({ hasText: 'engine restarted; positions restored from SQLite' })
    .waitFor();
  assert.equal(
    await page.getByRole('switch', { name: 'Kill switch' }).getAttribute('aria-checked'),
    'true',
  );
  await waitUntil(
    async () =>
      /restarts 1/.test(
        (await page.getByRole('group', { name: 'Engine health' }).textContent()) ?? '',
      ),
    'the health bar to count the restart',
  );
  await saveScreenshot(page, 'engine-restarted');
});

test('no page errors', () => {
  // The browser logs the refused WebSocket upgrades while the host is down; nothing else.
  const unexpected = opened.errors.filter((e) => !/WebSocket connection to .* failed/.test(e));
  assert.deepEqual(unexpected, []);
});
