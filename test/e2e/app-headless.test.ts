import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saveScreenshot, waitUntil } from './browser.js';
import { useHeadlessAppInWindow } from './headless-app.js';
import { join } from 'node:path';
import Database from 'better-sqlite3';

// The whole app as a trader runs it headless: built-in simulator → engine process (four
// threads) → host → the React window in Chromium. Thresholds are low so the simulated
// market makes the strategy trade within seconds.
const CONFIG = `
[strategy]
symbols = ["BTCUSDT"]
[strategy.params]
imbalance_threshold = 0.2
min_confidence = 0.2
[strategy.risk_limits]
max_orders_per_second = 20
[metrics]
port = 0
`;

const ui = useHeadlessAppInWindow(CONFIG);

const ordersSubmitted = (): number => ui.app.latest()?.health.ordersSubmitted ?? 0;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('the window fills from the live engine: book, connection, chart, and the strategy trades', async () => {
  const book = ui.page.getByRole('table', { name: 'Order book' });
  // 20 ask rows + 20 bid rows + the header and spread rows.
  await waitUntil(
    async () => (await book.getByRole('row').filter({ hasText: /\d/ }).count()) >= 40,
    'the order book ladder to show 20 levels a side',
    60_000,
  );
  await waitUntil(
    async () =>
      /live/i.test((await ui.page.getByRole('status', { name: 'Connection' }).textContent()) ?? ''),
    'the feed to be live',
    30_000,
  );
  await waitUntil(
    () => ordersSubmitted() > 0,
    'the strategy to submit orders on the simulated market',
    60_000,
  );
  const bodyRows = (name: string) =>
    ui.page
      .getByRole('table', { name })
      .getByRole('row')
      .filter({ has: ui.page.getByRole('cell') });
  await waitUntil(
    async () => (await bodyRows('Orders').count()) > 0,
    'the Orders table to fill',
    20_000,
  );
  await waitUntil(
    async () => (await bodyRows('Signals').count()) > 0,
    'the Signals table to fill',
    20_000,
  );
  assert.ok((await ui.page.locator('canvas').count()) > 0, 'the price chart draws on a canvas');
  await saveScreenshot(ui.page, 'app-trading');
  assert.deepEqual(ui.opened.errors, []);
});

test('the kill switch halts trading in the engine and re-arms only after confirmation', async () => {
  const killSwitch = ui.page.getByRole('switch', { name: 'Kill switch' });
  await killSwitch.click();
  await waitUntil(
    async () => (await killSwitch.getAttribute('aria-checked')) === 'true',
    'the switch to show halted',
  );
  await waitUntil(
    () => ui.app.latest()?.killSwitch.state === 'HALTED',
    'the engine to report HALTED',
  );
  await sleep(1000); // orders already in flight settle
  const frozen = ordersSubmitted();
  await waitUntil(
    () =>
      (ui.app.latest()?.orders ?? []).every(
        (o) => o.status !== 'Open' && o.status !== 'Pending' && o.status !== 'PartiallyFilled',
      ),
    'every open order to be cancelled',
  );
  await sleep(3000);
  assert.equal(ordersSubmitted(), frozen, 'no order is submitted while halted');
  await saveScreenshot(ui.page, 'app-halted');

  await killSwitch.click();
  const confirm = ui.page.getByRole('button', { name: 'Re-arm trading' });
  await confirm.waitFor({ state: 'visible' });
  assert.equal(
    await killSwitch.getAttribute('aria-checked'),
    'true',
    'still halted until confirmed',
  );
  await confirm.click();
  await waitUntil(
    async () => (await killSwitch.getAttribute('aria-checked')) === 'false',
    'the switch to show trading',
  );
  await waitUntil(() => ordersSubmitted() > frozen, 'orders to flow again after re-arming', 60_000);
});

test('an invalid parameter is refused visibly; a valid one is applied and changes what the engine does', async () => {
  const params = ui.page.getByRole('group', { name: 'params' });
  const threshold = params.locator('input[name="imbalance_threshold"]');
  await threshold.fill('1.5');
  await waitUntil(
    async () => (await threshold.getAttribute('aria-invalid')) === 'true',
    'the field to be marked invalid',
  );
  assert.ok(
    await ui.page.getByRole('alert').filter({ hasText: 'imbalance_threshold' }).first().isVisible(),
  );
  assert.equal(ui.app.latest()?.params.imbalance_threshold, 0.2, 'nothing reached the engine');

  // A threshold no imbalance reaches: signals stop firing, so orders stop.
  await threshold.fill('0.999');
  await ui.page.getByRole('button', { name: 'Apply' }).click();
  await waitUntil(
    () => ui.app.latest()?.params.imbalance_threshold === 0.999,
    'the engine to acknowledge the new threshold',
  );
  await sleep(1500);
  const firedAfter = ui.app.latest()!.signalCounts.fired;
  await sleep(4000);
  assert.ok(
    ui.app.latest()!.signalCounts.fired - firedAfter <= 2,
    'with the threshold at 0.999 the strategy (almost) stops firing',
  );
  assert.ok(
    (ui.app.latest()?.paramHistory ?? []).some(
      (c) => c.key.endsWith('imbalance_threshold') && c.newValue === 0.999,
    ),
  );
  await saveScreenshot(ui.page, 'app-params-applied');
});

test('the engine killed under the window comes back with the kill switch on', async () => {
  const pid = ui.app.enginePid();
  assert.ok(pid, 'the engine process is running');
  process.kill(pid!, 'SIGKILL');
  await waitUntil(
    () => (ui.app.latest()?.health.restarts ?? 0) >= 1 && ui.app.latest()?.engineRunning === true,
    'the host to restart the engine',
    60_000,
  );
  await waitUntil(
    () => ui.app.latest()?.killSwitch.state === 'HALTED',
    'the restarted engine to be halted',
  );
  assert.equal(ui.app.latest()?.killSwitch.source, 'engine');
  const killSwitch = ui.page.getByRole('switch', { name: 'Kill switch' });
  await waitUntil(
    async () => (await killSwitch.getAttribute('aria-checked')) === 'true',
    'the window to show halted',
  );
  await saveScreenshot(ui.page, 'app-restarted-halted');

  // The window's history came back from the database with the engine (issue 10 item 4):
  // the new engine's threads start empty, so these rows can only be the restored ones.
  const restarted = ui.app.latest()!;
  assert.ok(restarted.orders.length > 0, 'orders restored');
  assert.ok(restarted.fills.length > 0, 'fills restored');
  assert.ok(restarted.signals.length > 0, 'signals restored');
  assert.ok(
    restarted.paramHistory.some(
      (c) => c.key.endsWith('imbalance_threshold') && c.newValue === 0.999,
    ),
    'parameter history restored',
  );
  await waitUntil(
    async () =>
      (await ui.page
        .getByRole('table', { name: 'Orders' })
        .getByRole('row')
        .filter({ has: ui.page.getByRole('cell') })
        .count()) > 0,
    'the Orders table to show the restored orders',
  );

  // Positions came back from SQLite: what the restarted engine holds is what the
  // database holds, and that is the sum of the trades (nothing trades while halted).
  const db = new Database(join(ui.app.dataDir, 'lockstep.sqlite'), { readonly: true });
  const stored = db.prepare(`SELECT quantity FROM positions WHERE symbol = 'BTCUSDT'`).get() as
    { quantity: number } | undefined;
  const traded = db
    .prepare(
      `SELECT COALESCE(SUM(CASE WHEN side = 'Buy' THEN quantity ELSE -quantity END), 0) AS q FROM trades WHERE symbol = 'BTCUSDT'`,
    )
    .get() as { q: number };
  db.close();
  assert.ok(stored, 'the engine traded before it was killed, so a position row exists');
  assert.ok(
    Math.abs(stored!.quantity - traded.q) < 1e-9,
    `position ${stored!.quantity} equals the sum of trades ${traded.q}`,
  );
  await waitUntil(
    () => (ui.app.latest()?.positions.length ?? 0) > 0,
    'the restarted engine to report positions',
  );
  const shown = Number(ui.app.latest()!.positions.find((p) => p.symbol === 'BTCUSDT')?.qty ?? 0);
  assert.ok(
    Math.abs(shown - stored!.quantity) < 1e-9,
    `restored position ${shown} equals the stored ${stored!.quantity}`,
  );
});
