import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, saveScreenshot, waitUntil, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

let browser: Browser;
let host: FakeHost;
let opened: OpenedPage;

before(async () => {
  host = await startFakeHost({ stateHz: 100 });
  host.market.addPosition('BTCUSDT', 0.05);
  host.market.addPosition('ETHUSDT', -0.2);
  // Positions stay where the test put them: fills come only from what a test does.
  host.market.autoTrade = false;
  browser = await launchBrowser();
  opened = await openPage(host.url, { browser });
});

after(async () => {
  await opened?.close();
  await browser?.close();
  await host?.close();
});

/** Counts the canvas pixels within `tolerance` of an RGB colour, over every canvas of the chart. */
async function chartPixels(
  rgb: readonly [number, number, number],
  tolerance = 40,
): Promise<number> {
  return opened.page.evaluate(
    ({ rgb, tolerance }) => {
      let count = 0;
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>('.chart-host canvas')) {
        if (canvas.width === 0 || canvas.height === 0) continue;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (!data) continue;
        for (let i = 0; i < data.length; i += 4) {
          if (
            data[i + 3] > 200 &&
            Math.abs(data[i] - rgb[0]) < tolerance &&
            Math.abs(data[i + 1] - rgb[1]) < tolerance &&
            Math.abs(data[i + 2] - rgb[2]) < tolerance
          ) {
            count++;
          }
        }
      }
      return count;
    },
    { rgb, tolerance },
  );
}

test('the order book shows 20 asks and 20 bids with prices, sizes, and spread and mid', async () => {
  const { page } = opened;
  const book = page.getByRole('table', { name: 'Order book' });
  await book
    .locator('[role=row][data-side=bid][data-level="20"] .price')
    .filter({ hasText: /\d/ })
    .waitFor();
  assert.equal(await book.getByRole('row').and(book.locator('[data-side=ask]')).count(), 20);
  assert.equal(await book.getByRole('row').and(book.locator('[data-side=bid]')).count(), 20);
  // Both read in one go: the book moves between two separate reads.
  const [bestBid, bestAsk] = await book.evaluate((table) => [
    table.querySelector('[data-side=bid][data-level="1"] .price')!.textContent,
    table.querySelector('[data-side=ask][data-level="1"] .price')!.textContent,
  ]);
  assert.match(bestBid!, /^\d+\.\d{2}$/, 'BTCUSDT prices have the tick size decimals');
  assert.ok(Number(bestAsk) > Number(bestBid), `best ask ${bestAsk} above best bid ${bestBid}`);
  const size = await book
    .locator('[data-side=bid][data-level="1"] [role=cell]')
    .nth(1)
    .textContent();
  assert.match(size!, /^\d+\.\d{5}$/, 'BTCUSDT sizes have the step size decimals');
  assert.match(
    (await book.locator('.spread-row').textContent())!,
    /Spread 0\.01 \(\d+\.\d{4} bps\) · Mid \d+\.\d{3}/,
  );
});

test('the ladder rows are updated in place: same DOM nodes, new text', async () => {
  const { page } = opened;
  const marked = await page.evaluate(() => {
    const row = document.querySelector('[data-side=bid][data-level="1"]') as HTMLElement;
    row.dataset.mark = 'kept';
    return row.querySelector('.price')!.textContent;
  });
  await waitUntil(
    async () =>
      (await page.locator('[data-side=bid][data-level="1"] .price').textContent()) !== marked,
    'the best bid to change',
  );
  assert.equal(
    await page.locator('[data-side=bid][data-level="1"]').getAttribute('data-mark'),
    'kept',
  );
});

test('signals, orders and positions tables fill from the state stream', async () => {
  const { page } = opened;
  const signals = page.getByRole('table', { name: 'Signals' });
  await waitUntil(
    async () => (await signals.locator('tbody tr:not(:has(.empty))').count()) >= 3,
    'three signals',
  );
  const firstSignal = await signals.locator('tbody tr').first().locator('td').allTextContents();
  assert.match(firstSignal[0], /^\d\d:\d\d:\d\d\.\d{3}$/);
  assert.ok(['Buy', 'Sell'].includes(firstSignal[2]));
  assert.match(firstSignal[5], /^\d+ ms$/);
  assert.ok(['fired', 'suppressed'].includes(firstSignal[6]));
  const counts = page.getByLabel('Signal counts');
  assert.match((await counts.textContent())!, /fired\d+suppressed\d+no signal\d+/);

  const positions = page.getByRole('table', { name: 'Positions' });
  assert.equal(await positions.locator('tbody tr').count(), 2);
  const btc = await positions.locator('tbody tr[data-symbol="BTCUSDT"] > *').allTextContents();
  assert.equal(btc[0], 'BTCUSDT');
  assert.equal(btc[1], '0.05000');
  const eth = await positions.locator('tbody tr[data-symbol="ETHUSDT"] > *').allTextContents();
  assert.equal(eth[1], '-0.2000', 'ETHUSDT quantities have its step size decimals');
  const totals = await positions.locator('tfoot tr.totals > *').allTextContents();
  assert.equal(totals[0], 'Total');
  assert.match(totals[6], /^[+-]?[\d,]+\.\d\d$/);

  const orders = page.getByRole('table', { name: 'Orders' });
  host.market.autoTrade = true;
  await waitUntil(
    async () => (await orders.locator('tbody tr[data-order-id]').count()) >= 1,
    'an order',
  );
  host.market.autoTrade = false;
  const orderCells = await orders
    .locator('tbody tr[data-order-id]')
    .first()
    .locator('td')
    .allTextContents();
  assert.equal(orderCells[3], 'Limit');
  assert.ok(/^(Open|Filled|Cancelled|PartiallyFilled)/.test(orderCells[4]!), orderCells[4]);
});

test('the chart draws the mid line and the PnL pane', async () => {
  const { page } = opened;
  assert.ok((await page.locator('.chart-host canvas').count()) > 0, 'the chart has canvases');
  await waitUntil(
    async () => (await chartPixels([0x58, 0xa6, 0xff], 30)) > 50,
    'mid-line pixels on the chart',
  );
  await waitUntil(
    async () => (await chartPixels([0xd2, 0xa8, 0xff], 30)) > 20,
    'PnL-line pixels on the chart',
  );
  await page.getByRole('checkbox', { name: 'PnL pane' }).uncheck();
  await waitUntil(
    async () => (await chartPixels([0xd2, 0xa8, 0xff], 30)) === 0,
    'the PnL pane to go',
  );
  await page.getByRole('checkbox', { name: 'PnL pane' }).check();
  await waitUntil(
    async () => (await chartPixels([0xd2, 0xa8, 0xff], 30)) > 20,
    'the PnL pane to come back with its history',
  );
});

test('the health bar shows the feed state and live numbers', async () => {
  const { page } = opened;
  const connection = page.getByRole('status', { name: 'Connection' });
  assert.equal(await connection.textContent(), 'Feed: live');
  host.market.feed = 'stale';
  await waitUntil(
    async () => (await connection.textContent()) === 'Feed: stale',
    'the feed to read stale',
  );
  host.market.feed = 'live';
  await waitUntil(
    async () => (await connection.textContent()) === 'Feed: live',
    'the feed to read live again',
  );
  const bar = await page.getByRole('group', { name: 'Engine health' }).textContent();
  assert.match(bar!, /msg\/s \d+/);
  assert.match(bar!, /tick→trade p50\/p99 \d+\.\d µs \/ \d+\.\d µs/);
  assert.match(bar!, /ring \d+\.\d % \(\w+\)/);
  assert.match(bar!, /uptime \d+m \d\ds/);
  assert.match(bar!, /restarts 0/);
});

test("the trader's resting order is marked in the ladder and can be cancelled", async () => {
  const { page } = opened;
  // Freeze the market so the order stays at the best bid while the test looks at it.
  host.setStateHz(0);
  const order = host.market.addRestingOrder('BTCUSDT');
  host.publish();
  const mine = page.locator('[data-side=bid].own');
  await mine.waitFor();
  assert.equal(await mine.locator('.price').textContent(), order.price);
  assert.equal(await mine.locator('.own-cell').textContent(), '◆ 0.04200');
  await saveScreenshot(page, 'window-live');
  await page.getByRole('button', { name: `Cancel order ${order.orderId}` }).click();
  const sent = await host.waitForCommand((c) => c.type === 'cancelOrder');
  assert.deepEqual(sent.command, { type: 'cancelOrder', orderId: order.orderId });
  const row = page.locator(`tr[data-order-id="${order.orderId}"]`);
  await waitUntil(
    async () => /^Cancelled/.test((await row.locator('td').nth(4).textContent()) ?? ''),
    'the order to read Cancelled',
  );
  await mine.waitFor({ state: 'detached' });
  host.setStateHz(100);
});

test('cancel all sends cancelAll and every open order ends cancelled', async () => {
  const { page } = opened;
  host.setStateHz(0);
  const first = host.market.addRestingOrder('BTCUSDT');
  const second = host.market.addRestingOrder('ETHUSDT');
  host.publish();
  const row = (id: number) => page.locator(`tr[data-order-id="${id}"]`);
  await row(second.orderId).waitFor();
  await page.getByRole('button', { name: /^Cancel all \(\d+\)$/ }).click();
  await host.waitForCommand((c) => c.type === 'cancelAll');
  for (const order of [first, second]) {
    const status = row(order.orderId).locator('td').nth(4);
    await waitUntil(
      async () => /^Cancelled/.test((await status.textContent()) ?? ''),
      `order ${order.orderId} to read Cancelled`,
    );
  }
  assert.equal(await page.getByRole('button', { name: 'Cancel all (0)' }).isDisabled(), true);
  host.setStateHz(100);
});

test('flatten one symbol sends flatten with that symbol; the position goes to zero', async () => {
  const { page } = opened;
  await page.getByRole('button', { name: 'Flatten BTCUSDT' }).click();
  const sent = await host.waitForCommand((c) => c.type === 'flatten');
  assert.deepEqual(sent.command, { type: 'flatten', symbol: 'BTCUSDT' });
  const qty = page
    .getByRole('table', { name: 'Positions' })
    .locator('tbody tr[data-symbol="BTCUSDT"] td')
    .first();
  await waitUntil(
    async () => (await qty.textContent()) === '0.00000',
    'the BTCUSDT position to be flat',
  );
  assert.equal(await page.getByRole('button', { name: 'Flatten BTCUSDT' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Flatten all' }).click();
  await host.waitForCommand((c) => c.type === 'flatten' && c.symbol === undefined);
});

test('the layout (collapsed panels, PnL pane) survives a reload', async () => {
  const { page } = opened;
  const toggle = page.getByRole('button', { name: 'Signals', exact: true });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await page.getByRole('checkbox', { name: 'PnL pane' }).uncheck();
  await page.reload();
  await page
    .getByRole('table', { name: 'Order book' })
    .locator('[data-side=bid] .price')
    .first()
    .filter({ hasText: /\d/ })
    .waitFor();
  assert.equal(
    await page.getByRole('button', { name: 'Signals', exact: true }).getAttribute('aria-expanded'),
    'false',
  );
  assert.equal(await page.getByRole('table', { name: 'Signals' }).isVisible(), false);
  assert.equal(await page.getByRole('checkbox', { name: 'PnL pane' }).isChecked(), false);
  await page.getByRole('button', { name: 'Signals', exact: true }).click();
  await page.getByRole('checkbox', { name: 'PnL pane' }).check();
});

test('every control is reachable from the keyboard, kill switch first', async () => {
  const { page } = opened;
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  assert.equal(first, 'Kill switch');
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(
      () =>
        (document.activeElement as HTMLInputElement | null)?.name ||
        document.activeElement?.getAttribute('aria-label') ||
        document.activeElement?.textContent ||
        '',
    );
    seen.add(name);
  }
  for (const wanted of ['Symbol', 'imbalance_threshold', 'max_order_size', 'Apply']) {
    assert.ok(seen.has(wanted), `${wanted} reached by Tab; saw ${[...seen].join(' | ')}`);
  }
});

test('the page ran under the strict CSP without errors', () => {
  assert.deepEqual(opened.errors, []);
});
