import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookView, LevelView } from '../../shared/api.js';
import { openPage, saveScreenshot, waitUntil, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';
import { readHeatmap } from './heatmap-pixels.js';

/**
 * The liquidity heatmap draws the resting sizes it was given: the fake host publishes a
 * known sequence of books (one heavy bid level, one medium ask level, the rest thin) and
 * the test reads the canvas back at those prices.
 */
let host: FakeHost;
let opened: OpenedPage;

const HEAVY_BID = 118_999.9;
const MEDIUM_ASK = 119_000.1;

function knownBook(lastUpdateId: number): BookView {
  const bids: LevelView[] = [];
  const asks: LevelView[] = [];
  for (let i = 0; i < 20; i++) {
    const bid = 119_000 - i * 0.01;
    const ask = 119_000.01 + i * 0.01;
    bids.push([bid.toFixed(2), Math.abs(bid - HEAVY_BID) < 1e-6 ? '5.00000' : '0.10000']);
    asks.push([ask.toFixed(2), Math.abs(ask - MEDIUM_ASK) < 1e-6 ? '1.00000' : '0.10000']);
  }
  return {
    symbol: 'BTCUSDT',
    synced: true,
    lastUpdateId,
    bids,
    asks,
    mid: 119_000.005,
    spreadBps: (0.01 / 119_000.005) * 1e4,
  };
}

before(async () => {
  host = await startFakeHost({ stateHz: 0, symbols: ['BTCUSDT'] });
  host.market.autoTrade = false;
  opened = await openPage(host.url);
});

after(async () => {
  await opened?.close();
  await host?.close();
});

/**
 * r + g + b of the newest column's pixel at `price` (the band maps prices to rows). The
 * column lies on the price chart's time axis: at the x the chart gives the newest time.
 */
async function intensityAt(price: number): Promise<number> {
  // All the states share one time: its 100 ms bucket is the chart's bar, and the time
  // lies that far on towards the next bar.
  const { tsUs } = host.market.snapshot();
  const bucket = Math.floor(tsUs / 100_000) / 10;
  const { sums } = await readHeatmap(opened.page, price, [
    { time: bucket, barsAfter: (tsUs % 100_000) / 100_000 },
  ]);
  return sums[0] ?? 0;
}

test('the heatmap shows the resting size at each price as intensity, at the time of its book', async () => {
  const { page } = opened;
  const heatmap = page.getByRole('img', { name: 'Liquidity heatmap' });
  await heatmap.waitFor();
  for (let i = 0; i < 30; i++) {
    host.market.books = [knownBook(1000 + i)];
    host.publish();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitUntil(
    async () =>
      (await page.locator('.heatmap-summary').textContent())!.includes(
        'Largest resting size 5.00000 at 118999.90',
      ),
    'the summary to name the heavy bid level',
  );
  const heavy = await intensityAt(HEAVY_BID);
  const medium = await intensityAt(MEDIUM_ASK);
  const thin = await intensityAt(118_999.95);
  // The colour scale starts at the largest level (5): full intensity, white.
  assert.ok(heavy >= 700, `the 5.0 level is drawn at full intensity (r+g+b ${heavy})`);
  assert.ok(
    medium < heavy && medium > thin,
    `1.0 (${medium}) lies between 5.0 (${heavy}) and 0.1 (${thin})`,
  );
  const summary = await page
    .locator(`#${await heatmap.getAttribute('aria-describedby')}`)
    .textContent();
  assert.match(summary!, /^BTCUSDT from .* updates\. Prices 1189\d\d\.\d\d to 1190\d\d\.\d\d\./);

  // The trader turns the colour scale down to 1.0: the medium level now saturates too.
  await page.getByRole('slider', { name: 'Colour scale' }).fill('0');
  await waitUntil(async () => (await intensityAt(MEDIUM_ASK)) >= 700, 'the 1.0 level to saturate');
  assert.ok((await intensityAt(118_999.95)) < 700, 'a 0.1 level stays dim');
  await saveScreenshot(page, 'heatmap-known-books');
  assert.deepEqual(opened.errors, []);
});
