import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { SCREENSHOT_DIR, launchBrowser, openPage, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

/**
 * Frame times of the window while the book changes 100 times a second. Measured, printed
 * and saved (test-results/ui-frames.json) — never asserted against a time bound: the
 * machine is shared and its speed says nothing about the code. What is asserted is that
 * frames were produced and the ladder kept changing.
 */
let browser: Browser;
let host: FakeHost;
let opened: OpenedPage;

before(async () => {
  host = await startFakeHost({ stateHz: 100 });
  browser = await launchBrowser();
  opened = await openPage(host.url, { browser });
  await opened.page
    .getByRole('table', { name: 'Order book' })
    .locator('[data-side=bid] .price')
    .first()
    .filter({ hasText: /\d/ })
    .waitFor();
  await opened.page.waitForTimeout(1000);
});

after(async () => {
  await opened?.close();
  await browser?.close();
  await host?.close();
});

interface FrameStats {
  frames: number;
  durationMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  droppedFrames: number;
  ladderTextChanges: number;
}

/** Frame times over `durationMs` of animation frames, and how often the ladder changed. */
async function measureFrames(page: Page, durationMs: number): Promise<FrameStats> {
  return page.evaluate(
    (durationMs) =>
      new Promise<FrameStats>((resolve) => {
        const deltas: number[] = [];
        let changes = 0;
        const ladder = document.querySelector('[role=table][aria-label="Order book"]')!;
        const observer = new MutationObserver((records) => (changes += records.length));
        observer.observe(ladder, { subtree: true, childList: true, characterData: true });
        const start = performance.now();
        let last = start;
        const tick = (now: number): void => {
          deltas.push(now - last);
          last = now;
          if (now - start < durationMs) requestAnimationFrame(tick);
          else {
            observer.disconnect();
            const sorted = deltas.slice(1).sort((a, b) => a - b);
            const at = (q: number): number =>
              sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
            const vsync = 1000 / 60;
            resolve({
              frames: sorted.length,
              durationMs: now - start,
              p50Ms: at(0.5),
              p99Ms: at(0.99),
              maxMs: sorted[sorted.length - 1],
              droppedFrames: sorted.reduce(
                (sum, d) => sum + Math.max(0, Math.round(d / vsync) - 1),
                0,
              ),
              ladderTextChanges: changes,
            });
          }
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    durationMs,
  );
}

test('frame times with 100 book updates a second (measured over ~5 s, reported, not bounded)', async () => {
  const { page } = opened;
  const sentBefore = host.commands.length;
  const stats = await measureFrames(page, 5000);
  const report = { stateHz: 100, ...stats, skippedStatesByHost: host.skippedStates };
  console.log(`ui-frames: ${JSON.stringify(report)}`);
  mkdirSync(join(SCREENSHOT_DIR, '..'), { recursive: true });
  writeFileSync(
    join(SCREENSHOT_DIR, '..', 'ui-frames.json'),
    JSON.stringify(report, null, 2) + '\n',
  );
  assert.ok(stats.frames > 0, 'frames were produced');
  assert.ok(stats.ladderTextChanges > 0, 'the ladder kept changing while measured');
  assert.equal(host.commands.length, sentBefore, 'measuring sent nothing');
});

test('frame times with the heatmap shown and hidden, side by side (reported, not bounded)', async () => {
  const { page } = opened;
  const toggle = page.getByRole('checkbox', { name: 'Heatmap' });
  const heatmap = page.getByRole('img', { name: 'Liquidity heatmap' });
  await toggle.check();
  await heatmap.waitFor();
  await page.waitForTimeout(500);
  // The main thread's busy time (scripts, layout, paint tasks) from Chromium's own
  // counters, per frame: what the heatmap costs, whether or not frames were dropped.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busyMs = async (): Promise<number> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
  const measure = async (): Promise<FrameStats & { mainThreadMsPerFrame: number }> => {
    const busyBefore = await busyMs();
    const stats = await measureFrames(page, 6000);
    const busy = (await busyMs()) - busyBefore;
    return { ...stats, mainThreadMsPerFrame: busy / Math.max(1, stats.frames) };
  };
  const loadBefore = loadavg();
  const shown = await measure();
  await toggle.uncheck();
  await heatmap.waitFor({ state: 'detached' });
  await page.waitForTimeout(500);
  const hidden = await measure();
  const loadAfter = loadavg();
  await cdp.detach();
  await toggle.check();
  const report = {
    stateHz: 100,
    cores: cpus().length,
    loadavg1mBefore: loadBefore[0],
    loadavg1mAfter: loadAfter[0],
    heatmapShown: shown,
    heatmapHidden: hidden,
  };
  console.log(
    `ui-frames heatmap: shown p50 ${shown.p50Ms.toFixed(1)} / p99 ${shown.p99Ms.toFixed(1)} ms, ` +
      `hidden p50 ${hidden.p50Ms.toFixed(1)} / p99 ${hidden.p99Ms.toFixed(1)} ms; ` +
      `main thread ${shown.mainThreadMsPerFrame.toFixed(2)} vs ${hidden.mainThreadMsPerFrame.toFixed(2)} ms/frame, ` +
      `load ${loadBefore[0].toFixed(2)} → ${loadAfter[0].toFixed(2)} on ${cpus().length} cores`,
  );
  mkdirSync(join(SCREENSHOT_DIR, '..'), { recursive: true });
  writeFileSync(
    join(SCREENSHOT_DIR, '..', 'ui-frames-heatmap.json'),
    JSON.stringify(report, null, 2) + '\n',
  );
  assert.ok(shown.frames > 0 && hidden.frames > 0, 'frames were produced both ways');
  assert.ok(shown.ladderTextChanges > 0 && hidden.ladderTextChanges > 0, 'the book kept changing');
});

test('a command still gets through while the book floods (round trip reported, not bounded)', async () => {
  const { page } = opened;
  const started = Date.now();
  await page.getByRole('switch', { name: 'Kill switch' }).click();
  await page.getByRole('switch', { name: 'Kill switch', checked: true }).waitFor();
  const roundTripMs = Date.now() - started;
  console.log(
    `ui-frames: kill switch click → aria-checked round trip ${roundTripMs} ms at 100 states/s`,
  );
  assert.equal(host.market.trading, 'HALTED');
});
