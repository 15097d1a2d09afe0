import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookView, LevelView } from '../../shared/api.js';
import { openPage, saveScreenshot, waitUntil, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';
import { readHeatmap } from './heatmap-pixels.js';

/**
 * The heatmap shares the price chart's time axis: a heavy bid rests for three 100 ms
 * buckets at a known time, and however the trader zooms (mouse wheel) or scrolls (the
 * chart's API, as a drag does), the heatmap shows it at the x the chart gives that time,
 * and the summary describes only what is visible.
 */
let host: FakeHost;
let opened: OpenedPage;

const HEAVY_BID = 118_999.9;
const STATES = 150;
/** The heavy bid rests in the states MARK - 1, MARK and MARK + 1 (one per bucket). */
const MARK = 100;
const STEP_US = 100_000;
let markSeconds = 0;

function book(lastUpdateId: number, heavy: boolean): BookView {
  const bids: LevelView[] = [];
  const asks: LevelView[] = [];
  for (let i = 0; i < 20; i++) {
    const bid = 119_000 - i * 0.01;
    const ask = 119_000.01 + i * 0.01;
    const heavyHere = heavy && Math.abs(bid - HEAVY_BID) < 1e-6;
    bids.push([bid.toFixed(2), heavyHere ? '5.00000' : '0.10000']);
    // One medium ask level in every book sets the colour scale (full intensity at 1.0).
    asks.push([ask.toFixed(2), i === 5 ? '1.00000' : '0.10000']);
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

/** Waits until the chart has a bar at `seconds`. */
async function chartHas(seconds: number): Promise<void> {
  await opened.page.waitForFunction(
    (time) =>
      (
        document.querySelector('.chart-host') as unknown as {
          lockstepChart: { timeScale(): { timeToCoordinate(t: number): number | null } };
        }
      ).lockstepChart
        .timeScale()
        .timeToCoordinate(time) !== null,
    seconds,
  );
}

before(async () => {
  host = await startFakeHost({ stateHz: 0, symbols: ['BTCUSDT'] });
  host.market.autoTrade = false;
  opened = await openPage(host.url);
  await opened.page.getByRole('img', { name: 'Liquidity heatmap' }).waitFor();
  // One state per 100 ms bucket, each at its bucket's start: the chart has a bar for each.
  host.market.tick(STEP_US - (host.market.snapshot().tsUs % STEP_US));
  for (let k = 0; k < STATES; k++) {
    host.market.tick(STEP_US);
    host.market.books = [book(1000 + k, Math.abs(k - MARK) <= 1)];
    const seconds = host.market.snapshot().tsUs / 1e6;
    if (k === MARK) markSeconds = seconds;
    host.publish();
    // The window keeps only the newest state of a frame: the heavy ones must each arrive.
    if (Math.abs(k - MARK) <= 1) await chartHas(seconds);
    else await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await waitUntil(
    async () => (await opened.page.locator('.heatmap-summary').textContent())!.includes('updates'),
    'the heatmap to describe what it shows',
  );
});

after(async () => {
  await opened?.close();
  await host?.close();
});

interface Probe {
  /** The chart's x for the mark's time; null when the time is out of view. */
  x: number | null;
  barSpacing: number;
  /** r + g + b of the heatmap at the mark's x, in the heavy bid's row. */
  atMark: number;
  /** The same row five bars to the left, where the bid was thin. */
  before: number | null;
  summary: string;
}

/** Asks the chart where the mark's time is and reads the heatmap there. */
async function probe(): Promise<Probe> {
  const { xs, sums, barSpacing, summary } = await readHeatmap(opened.page, HEAVY_BID, [
    { time: markSeconds, barsAfter: 0 },
    { time: markSeconds, barsAfter: -5 },
  ]);
  if (sums[0] === null) return { x: null, barSpacing, atMark: 0, before: null, summary };
  return { x: xs[0]!, barSpacing, atMark: sums[0]!, before: sums[1] ?? null, summary };
}

/** Waits until the heatmap shows the heavy bid at the chart's x for its time. */
async function expectAligned(what: string): Promise<Probe> {
  let last: Probe | null = null;
  try {
    await waitUntil(async () => {
      last = await probe();
      return last.x !== null && last.atMark >= 700 && (last.before === null || last.before < 700);
    }, `the heavy bid at the chart's x for its time ${what}`);
  } catch (error) {
    throw new Error(`${String(error)}: ${JSON.stringify(last)}`);
  }
  return last!;
}

const visibleUpdates = (summary: string): number => Number(/, (\d+) updates\./.exec(summary)![1]);

test('the heatmap follows the chart when it zooms and scrolls', async () => {
  const { page } = opened;
  const start = await expectAligned('as first drawn');
  // The canvas's pixels are the chart pane's: same left edge, one canvas pixel per CSS pixel.
  const placement = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>(
      'canvas[aria-label="Liquidity heatmap"]',
    )!;
    const chart = document.querySelector('.chart-host')!.getBoundingClientRect();
    const picture = canvas.getBoundingClientRect();
    return {
      chartLeft: chart.left,
      canvasLeft: picture.left,
      css: picture.width,
      px: canvas.width,
    };
  });
  assert.equal(
    placement.canvasLeft,
    placement.chartLeft,
    'the heatmap starts where the chart does',
  );
  assert.ok(Math.abs(placement.css - placement.px) <= 1, 'one canvas pixel per CSS pixel');

  // Zoom in with the mouse wheel over the chart, the pointer on the mark.
  const box = (await page.locator('.chart-host').boundingBox())!;
  await page.mouse.move(box.x + start.x!, box.y + box.height / 2);
  await waitUntil(async () => {
    await page.mouse.wheel(0, -240);
    return (await probe()).barSpacing > start.barSpacing * 1.5;
  }, 'the wheel to zoom the chart in');
  const zoomed = await expectAligned('after zooming in');
  assert.ok(zoomed.barSpacing > start.barSpacing, 'the chart is zoomed in');

  // Scroll (same zoom): the picture is moved, not redrawn; the mark moves with the chart.
  await page.evaluate(() => {
    const scale = (
      document.querySelector('.chart-host') as unknown as {
        lockstepChart: {
          timeScale(): { scrollPosition(): number; scrollToPosition(p: number, a: boolean): void };
        };
      }
    ).lockstepChart.timeScale();
    scale.scrollToPosition(scale.scrollPosition() - 7, false);
  });
  await waitUntil(
    async () => Math.abs((await probe()).x! - zoomed.x!) > 5 * zoomed.barSpacing,
    'the chart to scroll',
  );
  const scrolled = await expectAligned('after scrolling');
  assert.ok(scrolled.x! > zoomed.x!, 'scrolling back in time moved the mark to the right');

  // Show exactly 41 buckets around the mark: the summary counts what is visible.
  await page.evaluate((markTime) => {
    const scale = (
      document.querySelector('.chart-host') as unknown as {
        lockstepChart: {
          timeScale(): {
            setVisibleLogicalRange(r: { from: number; to: number }): void;
            timeToCoordinate(t: number): number | null;
            coordinateToLogical(x: number): number | null;
          };
        };
      }
    ).lockstepChart.timeScale();
    // The mark's bar index as the chart has it (in view since the scroll above). Not
    // MARK itself: on a busy machine the window keeps only the newest of states that
    // arrive within one frame, so some of the thin states before the mark have no bar.
    const mark = Math.round(scale.coordinateToLogical(scale.timeToCoordinate(markTime)!)!);
    scale.setVisibleLogicalRange({ from: mark - 20, to: mark + 20 });
  }, markSeconds);
  const framed = await expectAligned('with a range set around it');
  await waitUntil(
    async () => Math.abs(visibleUpdates((await probe()).summary) - 41) <= 1,
    'the summary to count the 41 visible updates',
  );
  assert.ok(visibleUpdates(framed.summary) < STATES, 'the summary describes the visible part');
  await saveScreenshot(page, 'heatmap-axis-zoomed');
  assert.deepEqual(opened.errors, []);
});
