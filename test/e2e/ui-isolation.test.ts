import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { defaultConfigFilled } from '../../main/host/config-store.js';
import { startHeadlessServer, type HeadlessServer } from '../../main/host/headless-server.js';
import { createHostLogger } from '../../main/host/logger.js';
import type { SessionHost } from '../../main/host/ws-client-session.js';
import { launchBrowser, openPage, type OpenedPage } from './browser.js';
import { defaultUiDir } from './fake-host.js';

// The real headless server's page is cross-origin isolated (COOP same-origin + COEP
// require-corp): nothing from another origin can be embedded into it or share its
// process, and every asset it loads still works under that policy.
let browser: Browser;
let server: HeadlessServer;
let opened: OpenedPage;

const idleHost: SessionHost = {
  send: () => Promise.resolve({ ok: true }),
  onState: () => () => undefined,
  latestState: () => null,
  config: defaultConfigFilled,
  onConfig: () => () => undefined,
};

before(async () => {
  server = await startHeadlessServer({
    host: idleHost,
    uiDir: defaultUiDir(),
    port: 0,
    logger: createHostLogger({ level: 'silent' }),
  });
  browser = await launchBrowser();
  opened = await openPage(server.url, { browser });
  await opened.page.waitForLoadState('load');
});

after(async () => {
  await opened?.close();
  await browser?.close();
  await server?.close();
});

test('the window is crossOriginIsolated: its page carries COEP require-corp and COOP same-origin', async () => {
  const { page } = opened;
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  const response = await page.request.get(server.url);
  assert.equal(response.headers()['cross-origin-embedder-policy'], 'require-corp');
  assert.equal(response.headers()['cross-origin-opener-policy'], 'same-origin');
  // The app's own script ran (the React root rendered) under require-corp.
  await page.getByRole('switch', { name: 'Kill switch' }).waitFor();
  assert.deepEqual(opened.errors, [], 'every asset loaded under require-corp');
});
