import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { EngineState } from '../../shared/api.js';
import { saveScreenshot, waitUntil } from './browser.js';
import { useHeadlessAppInWindow } from './headless-app.js';
import { ETH_FIXTURE } from '../fixture-files.js';

/**
 * Replay in the window, end to end: the real headless app (live engine on the built-in
 * simulator) replays the bundled sample in a second engine. Pause stops the recording's
 * clock, Step advances exactly one book update, max speed runs to the end, and the final
 * position and realized PnL in the window are `replay --json`'s on the same file and
 * config. Leaving the replay gives the window back the live engine, untouched.
 */
const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'main', 'cli', 'index.js');
const SAMPLE = resolve(__dirname, '..', '..', '..', 'assets', 'sample-recording.jsonl');
// Low enough that the sample trades; the live engine is halted first so it cannot.
const CONFIG = `
[strategy]
symbols = ["BTCUSDT"]
[strategy.params]
min_confidence = 0.1
[metrics]
port = 0
`;

const ui = useHeadlessAppInWindow(CONFIG);

const replayOf = (): NonNullable<EngineState['replay']> | undefined => ui.app.latest()?.replay;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

test('the window replays the sample: pause holds the clock, step moves one book update, the end matches replay --json', async () => {
  // The live engine is halted so the replay's trades cannot be confused with its own.
  await ui.page.getByRole('switch', { name: 'Kill switch' }).waitFor();
  const halted = await ui.app.send({
    type: 'setKillSwitch',
    on: true,
    reason: 'test: live halted during replay',
  });
  assert.ok(halted.ok);
  // Settled: the state's positions are from after the halt (a fill already under way when
  // the switch was hit lands before it; one run in CI read the position just before one).
  await waitUntil(
    () => ui.app.latest()?.killSwitch.state === 'HALTED' && ui.app.latest()!.killSwitch.settled,
    'the live engine to halt and settle',
  );
  const livePositionsBefore = JSON.stringify(
    ui.app.latest()!.positions.map((p) => [p.symbol, p.qty]),
  );

  const region = ui.page.getByRole('region', { name: 'Replay' });
  // The catalogue arrives with the states; the bundled sample is chosen by default.
  const recording = region.getByRole('combobox', { name: 'Recording' });
  await waitUntil(
    async () => (await recording.inputValue()) === 'sample-recording.jsonl',
    'the bundled sample to be offered and chosen',
  );
  await region.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1×' });
  await region.getByRole('button', { name: 'Play' }).click();
  await waitUntil(
    () => (replayOf()?.bookUpdates ?? 0) > 3,
    'the replay to apply a few book updates',
    30_000,
  );
  await ui.page.getByText('REPLAY of sample-recording.jsonl at 1×').waitFor();

  // Pause: the recording's clock stands still.
  await region.getByRole('button', { name: 'Pause' }).click();
  await waitUntil(() => replayOf()?.paused === true, 'the replay to pause');
  // States in flight may still show the last lines before the pause: wait until it holds.
  let pausedAt = replayOf()!;
  await waitUntil(async () => {
    const before = replayOf()!;
    await sleep(400);
    pausedAt = replayOf()!;
    return pausedAt.tsUs === before.tsUs && pausedAt.bookUpdates === before.bookUpdates;
  }, 'the paused clock to settle');
  await sleep(1000);
  assert.equal(replayOf()!.tsUs, pausedAt.tsUs, 'the clock did not move while paused');
  assert.equal(replayOf()!.bookUpdates, pausedAt.bookUpdates);
  await ui.page.getByText(/REPLAY of sample-recording\.jsonl at 1×, paused/).waitFor();

  // Step: exactly one more book update, then it holds again.
  await region.getByRole('button', { name: 'Step' }).click();
  await waitUntil(
    () => replayOf()!.bookUpdates === pausedAt.bookUpdates + 1,
    'one step to apply one book update',
  );
  await sleep(800);
  assert.equal(replayOf()!.bookUpdates, pausedAt.bookUpdates + 1, 'a step is one book update');
  assert.ok(replayOf()!.tsUs > pausedAt.tsUs, 'the clock moved with the step');

  // Max speed to the end.
  await region.getByRole('combobox', { name: 'Speed' }).selectOption({ label: 'max' });
  await region.getByRole('button', { name: 'Play' }).click();
  await waitUntil(() => replayOf()?.finished === true, 'the replay to reach the end', 120_000);
  await region.getByText('End of recording.').waitFor();

  const summary = JSON.parse(
    (
      await run(process.execPath, [
        CLI,
        'replay',
        '--data',
        SAMPLE,
        '--config',
        join(ui.app.dataDir, 'lockstep.toml'),
        '--json',
      ])
    ).stdout,
  ) as { final_position: number; realized_pnl: number; fills: number };
  assert.ok(summary.fills > 0, 'the sample trades with this config');
  const final = ui.app.latest()!;
  const position = final.positions.find((p) => p.symbol === 'BTCUSDT')!;
  assert.equal(Number(position.qty), summary.final_position);
  assert.ok(
    Math.abs(final.totals.realizedPnl - summary.realized_pnl) < 1e-9,
    `window realized ${final.totals.realizedPnl}, replay --json ${summary.realized_pnl}`,
  );
  // What the trader reads in the Positions table.
  const row = ui.page
    .getByRole('table', { name: 'Positions' })
    .getByRole('row', { name: /BTCUSDT/ });
  await waitUntil(
    async () =>
      Number((await row.getByRole('cell').nth(0).textContent())!.replace('−', '-')) ===
      summary.final_position,
    `the Positions table to show ${summary.final_position}`,
  );
  assert.equal(
    (await row.getByRole('cell').nth(3).textContent())!.replace('−', '-').replace(/[,+]/g, ''),
    summary.realized_pnl.toFixed(2),
  );
  await saveScreenshot(ui.page, 'replay-finished');

  // The report of this run, from its own database.
  await region.getByRole('button', { name: 'Report' }).click();
  await waitUntil(() => replayOf()?.reportPath !== undefined, 'the report to be written', 60_000);
  const reportPath = replayOf()!.reportPath!;
  assert.ok(existsSync(reportPath));
  const data = JSON.parse(
    /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(
      readFileSync(reportPath, 'utf8'),
    )![1]!,
  ) as { totals: { realized_pnl: number; trades: number; final_position: number } };
  assert.equal(data.totals.realized_pnl, summary.realized_pnl);
  assert.equal(data.totals.trades, summary.fills);
  // Its own database, beside (never in) the live one.
  assert.equal(
    readdirSync(join(ui.app.dataDir, 'replays')).filter((f) => f.endsWith('.sqlite')).length,
    1,
  );

  // Leaving: the live engine's state, as it was (still halted, same positions).
  await region.getByRole('button', { name: 'Back to live' }).click();
  await waitUntil(() => ui.app.latest()?.replay === undefined, 'the live state to return');
  await ui.page.getByText(/REPLAY of/).waitFor({ state: 'detached' });
  const live = ui.app.latest()!;
  assert.equal(live.killSwitch.state, 'HALTED');
  assert.equal(JSON.stringify(live.positions.map((p) => [p.symbol, p.qty])), livePositionsBefore);
  assert.equal(
    await ui.page.getByRole('switch', { name: 'Kill switch' }).getAttribute('aria-checked'),
    'true',
  );
  assert.deepEqual(ui.opened.errors, []);
});

test('a recording name that is not in the catalogue is refused, and paths are never accepted', async () => {
  writeFileSync(join(ui.app.dataDir, 'notes.txt'), 'not a recording');
  const ack = await ui.app.send({ type: 'replayStart', recording: '../../etc/passwd', speed: 0 });
  assert.equal(ack.ok, false);
  assert.match(!ack.ok ? ack.reason : '', /no recording named \.\.\/\.\.\/etc\/passwd/);
  const notes = await ui.app.send({ type: 'replayStart', recording: 'notes.txt', speed: 0 });
  assert.equal(notes.ok, false);
});

test('while replaying, the kill switch and parameter edits act on the replay engine, not the live one', async () => {
  const region = ui.page.getByRole('region', { name: 'Replay' });
  await ui.app.send({ type: 'setKillSwitch', on: false, reason: 'test: live re-armed' });
  await waitUntil(
    () => ui.app.latest()?.killSwitch.state === 'ACTIVE',
    'the live engine to re-arm',
  );
  const liveThreshold = ui.app.latest()!.params.imbalance_threshold;
  await region.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1×' });
  await region.getByRole('button', { name: 'Play' }).click();
  await waitUntil(() => replayOf() !== undefined && !replayOf()!.finished, 'a new replay run');
  await region.getByRole('button', { name: 'Pause' }).click();
  await waitUntil(() => replayOf()?.paused === true, 'the replay to pause');

  const edited = await ui.app.send({ type: 'updateParams', patch: { imbalance_threshold: 0.45 } });
  assert.ok(edited.ok, JSON.stringify(edited));
  await waitUntil(
    () => ui.app.latest()?.params.imbalance_threshold === 0.45,
    'the replay to take the edit',
  );
  await ui.page.getByRole('switch', { name: 'Kill switch' }).click();
  await waitUntil(
    () => ui.app.latest()?.killSwitch.state === 'HALTED',
    'the replay engine to halt',
  );

  await region.getByRole('button', { name: 'Back to live' }).click();
  await waitUntil(() => ui.app.latest()?.replay === undefined, 'the live state to return');
  const live = ui.app.latest()!;
  assert.equal(live.killSwitch.state, 'ACTIVE', 'the live kill switch was not touched');
  assert.equal(
    live.params.imbalance_threshold,
    liveThreshold,
    'the live parameters were not touched',
  );
  // The live config file keeps the live value too (a replay edit never reaches the TOML).
  assert.doesNotMatch(readFileSync(join(ui.app.dataDir, 'lockstep.toml'), 'utf8'), /0\.45/);
});

test('an hftbacktest file in the data directory is offered, converted, and replayed on its own symbol', async () => {
  copyFileSync(ETH_FIXTURE, join(ui.app.dataDir, 'eth.gz'));
  const ack = await ui.app.send({ type: 'replayStart', recording: 'eth.gz', speed: 0 });
  assert.ok(ack.ok, JSON.stringify(ack));
  await waitUntil(
    () => ui.app.latest()?.replay?.finished === true,
    'the ETHUSDT replay to end',
    120_000,
  );
  const state = ui.app.latest()!;
  assert.deepEqual(state.symbols, ['ETHUSDT']);
  assert.equal(state.replay!.file, 'eth.gz');
  assert.ok(state.replay!.bookUpdates > 100, `${state.replay!.bookUpdates} book updates`);
  assert.ok(state.recordings!.includes('eth.gz'));
  await ui.app.send({ type: 'replayStop' });
  await waitUntil(() => ui.app.latest()?.replay === undefined, 'the live state to return');
  assert.deepEqual(ui.app.latest()!.symbols, ['BTCUSDT']);
});
