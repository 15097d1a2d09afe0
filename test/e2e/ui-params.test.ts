import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RISK_LIMIT_SPECS, STRATEGY_PARAM_SPECS, checkNumber } from '../../shared/config.js';
import { launchBrowser, openPage, saveScreenshot, waitUntil, type OpenedPage } from './browser.js';
import { startFakeHost, type FakeHost } from './fake-host.js';

let browser: Browser;
let host: FakeHost;
let opened: OpenedPage;

before(async () => {
  host = await startFakeHost({ stateHz: 100 });
  browser = await launchBrowser();
  opened = await openPage(host.url, { browser });
  await param(opened.page, 'params', 'imbalance_threshold')
    .and(opened.page.locator(':enabled'))
    .waitFor();
});

after(async () => {
  await opened?.close();
  await browser?.close();
  await host?.close();
});

const param = (page: Page, group: 'params' | 'risk_limits', key: string) =>
  page.locator(`fieldset[name="${group}"] input[name="${key}"]`);
const editCommands = () =>
  host.commands.filter(
    (c) => c.command.type === 'updateParams' || c.command.type === 'updateRiskLimits',
  );
const apply = (page: Page) => page.getByRole('button', { name: 'Apply' });

test('the form has one input per parameter, named by its key, in fieldsets params and risk_limits', async () => {
  const { page } = opened;
  for (const key of Object.keys(STRATEGY_PARAM_SPECS))
    assert.equal(await param(page, 'params', key).count(), 1, key);
  for (const key of Object.keys(RISK_LIMIT_SPECS))
    assert.equal(await param(page, 'risk_limits', key).count(), 1, key);
  assert.equal(await page.getByRole('group', { name: 'params', exact: true }).count(), 1);
  assert.equal(await page.getByRole('group', { name: 'risk_limits', exact: true }).count(), 1);
  assert.equal(
    await param(page, 'params', 'imbalance_threshold').inputValue(),
    '0.3',
    'current values from the engine',
  );
  assert.equal(await param(page, 'risk_limits', 'max_order_size').inputValue(), '0.5');
  assert.match(
    (await page.locator('#param-params-imbalance_threshold-hint').textContent())!,
    /^0 < x < 1/,
  );
});

test('an invalid value is refused as typed, in the engine’s words, and Apply sends nothing', async () => {
  const { page } = opened;
  const input = param(page, 'params', 'imbalance_threshold');
  await input.fill('1.5');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  const expected = checkNumber(
    'strategy.params.imbalance_threshold',
    STRATEGY_PARAM_SPECS.imbalance_threshold,
    1.5,
  )!;
  const fieldAlert = page.locator('#param-params-imbalance_threshold-error');
  assert.equal(await fieldAlert.getAttribute('role'), 'alert');
  assert.equal(await fieldAlert.textContent(), expected);
  assert.match(
    (await input.getAttribute('aria-describedby'))!,
    /param-params-imbalance_threshold-error/,
  );
  await input.fill('abc');
  assert.equal(await fieldAlert.textContent(), `${expected.split(';')[0]}; got "abc"`);
  const before = editCommands().length;
  await apply(page).click();
  const blocked = page.getByRole('alert').filter({ hasText: 'Not sent' });
  await blocked.waitFor();
  await saveScreenshot(page, 'params-invalid');
  await page.waitForTimeout(300);
  assert.equal(editCommands().length, before, 'nothing was sent');
  assert.equal(host.market.params.imbalance_threshold, 0.3);
  await page.getByRole('button', { name: 'Revert' }).click();
  assert.equal(await input.inputValue(), '0.3');
  assert.equal(await input.getAttribute('aria-invalid'), 'false');
});

test('a cross-field violation is refused on the field it names', async () => {
  const { page } = opened;
  const input = param(page, 'risk_limits', 'max_order_size');
  await input.fill('2');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  assert.match(
    (await page.locator('#param-risk_limits-max_order_size-error').textContent())!,
    /^strategy\.risk_limits\.max_order_size \(2\) must not exceed strategy\.risk_limits\.max_position_size \(1\)/,
  );
  await page.getByRole('button', { name: 'Revert' }).click();
});

test('a valid value is sent with only the changed key; the acknowledged value shows and lands in the history', async () => {
  const { page } = opened;
  const input = param(page, 'params', 'imbalance_threshold');
  await input.fill('0.45');
  assert.equal(await input.getAttribute('aria-invalid'), 'false');
  await param(page, 'params', 'min_confidence').fill('0.70');
  await apply(page).click();
  const sent = await host.waitForCommand((c) => c.type === 'updateParams');
  assert.deepEqual(sent.command, { type: 'updateParams', patch: { imbalance_threshold: 0.45 } });
  const notice = page.locator('.form-notice');
  await waitUntil(
    async () =>
      (await notice.textContent()) === 'Applied: strategy.params.imbalance_threshold 0.3 → 0.45',
    'the applied notice',
  );
  assert.equal(await input.inputValue(), '0.45');
  assert.equal(
    await param(page, 'params', 'min_confidence').inputValue(),
    '0.7',
    'the unchanged field shows the engine value',
  );
  assert.equal(host.market.params.imbalance_threshold, 0.45);
  // Still shown once the stream has reported it (no draft, no override left).
  await page.waitForTimeout(300);
  assert.equal(await input.inputValue(), '0.45');
  await page.getByRole('button', { name: 'Parameter history' }).click();
  const history = page.getByRole('table', { name: 'Parameter history' });
  await history
    .locator('tbody tr')
    .filter({ hasText: 'strategy.params.imbalance_threshold' })
    .waitFor();
  const cells = await history.locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(cells.slice(1), [
    'strategy.params.imbalance_threshold',
    '0.3',
    '0.45',
    'trader',
  ]);
  await saveScreenshot(page, 'params-applied');
});

test('max_position_size in risk_limits is its own field and command', async () => {
  const { page } = opened;
  const before = editCommands().length;
  await param(page, 'risk_limits', 'max_position_size').fill('2');
  await param(page, 'params', 'max_position_size').fill('1.5');
  await apply(page).click();
  await waitUntil(() => editCommands().length === before + 2, 'two edit commands');
  // The limit is raised first so the strategy size that needs it passes on its own.
  assert.deepEqual(
    editCommands()
      .slice(before)
      .map((c) => c.command),
    [
      { type: 'updateRiskLimits', patch: { max_position_size: 2 } },
      { type: 'updateParams', patch: { max_position_size: 1.5 } },
    ],
  );
  await waitUntil(() => host.market.params.max_position_size === 1.5, 'the engine to run with 1.5');
  assert.equal(host.market.riskLimits.max_position_size, 2);
});

test('a refused edit shows the engine’s reason and keeps the old value', async () => {
  const { page } = opened;
  host.refuseNext('updateRiskLimits', 'risk limits are locked while positions are open');
  const input = param(page, 'risk_limits', 'max_order_size');
  await input.fill('0.3');
  await apply(page).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'The engine refused the change' });
  await refusal.waitFor();
  assert.equal(
    await refusal.textContent(),
    'The engine refused the change: risk limits are locked while positions are open',
  );
  assert.equal(await input.inputValue(), '0.5');
  assert.equal(host.market.riskLimits.max_order_size, 0.5);
  await saveScreenshot(page, 'params-refused');
});

test('no page errors', () => {
  assert.deepEqual(opened.errors, []);
});
