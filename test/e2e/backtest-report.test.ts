import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { launchBrowser, saveScreenshot } from './browser.js';

/**
 * `replay --report` and `replay --sweep` on the bundled sample: the report's totals are
 * the run's SQLite rows and `replay --json`'s numbers, the HTML draws its charts in
 * Chromium with the network cut off, and a 2 × 2 sweep gives the same 4 rows twice.
 */
const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'main', 'cli', 'index.js');
const SAMPLE = resolve(__dirname, '..', '..', '..', 'assets', 'sample-recording.jsonl');
// The documented defaults suppress every signal on the sample; this config trades.
const TRADING_CONFIG = '[strategy.params]\nmin_confidence = 0.1\n';

let dir: string;
let configPath: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-report-test-'));
  configPath = join(dir, 'trading.toml');
  writeFileSync(configPath, TRADING_CONFIG);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const cli = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;

interface ReportData {
  totals: Record<string, number | null | Record<string, number>>;
  summary: Record<string, unknown>;
  recording: { name: string; sha256: string };
  timeline: number[][];
  sweep: Array<{ params: Record<string, number>; totals: Record<string, unknown> }> | null;
}

function reportData(html: string): ReportData {
  const match = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(match, 'the report carries its numbers as JSON');
  return JSON.parse(match[1]!) as ReportData;
}

test('the report totals equal the run database and replay --json, and its charts render offline', async () => {
  const dbPath = join(dir, 'run.sqlite');
  const reportPath = join(dir, 'report.html');
  const summary = JSON.parse(
    await cli(
      'replay',
      '--data',
      SAMPLE,
      '--config',
      configPath,
      '--db',
      dbPath,
      '--report',
      reportPath,
      '--json',
    ),
  ) as Record<string, number>;
  assert.ok(summary.fills! > 0, 'the sample trades with this config');
  const html = readFileSync(reportPath, 'utf8');
  const data = reportData(html);
  const db = new Database(dbPath, { readonly: true });
  const trades = (db.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n;
  const fees = (db.prepare('SELECT fees FROM orders').all() as Array<{ fees: string }>).reduce(
    (sum, row) => sum + Number(row.fees),
    0,
  );
  const realized = (
    db.prepare('SELECT sum(realized_pnl) AS pnl FROM positions').get() as { pnl: number }
  ).pnl;
  const orders = (db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  db.close();

  assert.equal(data.totals.trades, trades);
  assert.equal(data.totals.trades, summary.fills);
  assert.equal(data.totals.orders, orders);
  assert.equal(data.totals.fees, Math.round(fees * 1e8) / 1e8);
  assert.equal(data.totals.realized_pnl, Math.round(realized * 1e8) / 1e8);
  assert.equal(data.totals.realized_pnl, summary.realized_pnl);
  assert.equal(data.totals.unrealized_pnl, summary.unrealized_pnl);
  assert.equal(data.totals.signals_fired, summary.signals);
  assert.equal(data.totals.rejections, summary.rejections);
  assert.equal(data.totals.final_position, summary.final_position);
  assert.equal(data.recording.name, 'sample-recording.jsonl');
  assert.match(data.recording.sha256, /^[0-9a-f]{64}$/);
  // The curve ends where the totals do: realized + unrealized, within float rounding.
  const lastEquity = data.timeline[data.timeline.length - 1]![1]!;
  assert.ok(
    Math.abs(lastEquity - (summary.realized_pnl! + summary.unrealized_pnl!)) < 1e-6,
    `equity curve ends at ${lastEquity}, the run at ${summary.realized_pnl! + summary.unrealized_pnl!}`,
  );

  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      offline: true,
      viewport: { width: 1280, height: 1800 },
    });
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(reportPath).href);
    await page.waitForSelector('body[data-charts="drawn"]', { timeout: 15_000 });
    // Each chart painted lines: canvases holding pixels other than the background.
    const painted = await page.evaluate(() =>
      ['equity', 'mid', 'position'].map((id) => {
        let coloured = 0;
        for (const canvas of document.querySelectorAll<HTMLCanvasElement>(`#${id} canvas`)) {
          const ctx = canvas.getContext('2d');
          if (!ctx || canvas.width === 0) continue;
          const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < pixels.length; i += 4)
            if (pixels[i + 3]! > 0 && pixels[i]! + pixels[i + 1]! + pixels[i + 2]! > 150)
              coloured++;
        }
        return coloured;
      }),
    );
    for (const [i, n] of painted.entries()) assert.ok(n > 200, `chart ${i} drew (${n} pixels)`);
    assert.equal(
      await page.getByRole('table', { name: 'Totals' }).getByRole('row').count(),
      16,
      'a header and 15 totals',
    );
    await saveScreenshot(page, 'backtest-report');
    assert.deepEqual(requests, [], 'the report asked for nothing outside the file');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});

test('a 2 × 2 sweep gives 4 rows sorted by PnL, identical on a second run', async () => {
  const args = [
    'replay',
    '--data',
    SAMPLE,
    '--config',
    configPath,
    '--sweep',
    'imbalance_threshold=0.2,0.4',
    '--sweep',
    'strategy.risk_limits.max_order_size=0.1,0.5',
    '--json',
  ];
  const first = (await cli(...args)).trim().split('\n');
  const second = (await cli(...args)).trim().split('\n');
  assert.equal(first.length, 4);
  assert.deepEqual(second, first);
  const rows = first.map(
    (line) =>
      JSON.parse(line) as {
        params: Record<string, number>;
        totals: { total_pnl: number; trades: number };
      },
  );
  const combos = rows.map(
    (r) =>
      `${r.params['strategy.params.imbalance_threshold']}/${r.params['strategy.risk_limits.max_order_size']}`,
  );
  assert.deepEqual([...combos].sort(), ['0.2/0.1', '0.2/0.5', '0.4/0.1', '0.4/0.5']);
  for (let i = 1; i < rows.length; i++)
    assert.ok(rows[i - 1]!.totals.total_pnl >= rows[i]!.totals.total_pnl, 'best PnL first');
  assert.ok(
    rows.some((r) => r.totals.trades > 0),
    'the grid trades',
  );
});

test('a sweep key that is not a parameter is refused with the known names', async () => {
  await assert.rejects(
    cli('replay', '--data', SAMPLE, '--sweep', 'imbalance_treshold=0.2,0.3'),
    (error: { stderr: string }) =>
      /--sweep imbalance_treshold: not a parameter \(known: depth_levels/.test(error.stderr),
  );
});
