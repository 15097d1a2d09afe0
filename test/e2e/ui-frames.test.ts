import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
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

test('frame times with 100 book updates a second (measured over ~5 s, reported, not bounded)', async () => {
  const { page } = opened;
  const sentBefore = host.commands.length;
  const stats = await page.evaluate(
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
    5000,
  );
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
