import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { validateConfig } from '../../shared/config.js';
import { runReplay } from '../../main/engine/process/replay-runner.js';
import { writeBtcRecording } from '../fixture-files.js';

// risk_limits.max_drawdown in the full engine on real Binance data: the broker's thread
// halts trading when PnL falls the limit below its peak, and the reason is recorded.
const dir = mkdtempSync(join(tmpdir(), 'lockstep-drawdown-'));
const recording = join(dir, 'btc.jsonl');

before(async () => {
  await writeBtcRecording(recording, 12000);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function replayWith(maxDrawdown: number, name: string) {
  const dbPath = join(dir, `${name}.sqlite`);
  const summary = await runReplay({
    dataFile: recording,
    config: validateConfig({
      strategy: {
        params: { min_confidence: 0.3, imbalance_threshold: 0.5 },
        risk_limits: { max_drawdown: maxDrawdown },
      },
    }),
    dbPath,
  });
  const db = new Database(dbPath, { readonly: true });
  const events = db
    .prepare('SELECT state, reason, source FROM kill_switch_events ORDER BY event_id')
    .all() as Array<{ state: string; reason: string; source: string }>;
  db.close();
  return { summary, events };
}

test('max_drawdown halts the replay with the reason; off (0) it never does', async () => {
  const off = await replayWith(0, 'off');
  assert.deepEqual(off.events, []);
  assert.ok(off.summary.fills > 0);

  const on = await replayWith(1, 'on');
  assert.equal(on.events.length, 1, JSON.stringify(on.events));
  const [event] = on.events;
  assert.equal(event!.state, 'HALTED');
  assert.equal(event!.source, 'engine');
  const match =
    /^drawdown (\d+\.\d\d) ≥ max_drawdown 1 \(PnL (-?\d+\.\d\d), peak (-?\d+\.\d\d)\)$/.exec(
      event!.reason,
    );
  assert.ok(match, event!.reason);
  const [drawdown, pnl, peak] = match.slice(1).map(Number) as [number, number, number];
  assert.ok(drawdown >= 1);
  assert.ok(Math.abs(peak - pnl - drawdown) < 0.011);
  // Halted: the strategy stopped trading, so fewer fills than with the limit off.
  assert.ok(on.summary.fills < off.summary.fills, `${on.summary.fills} < ${off.summary.fills}`);
  console.log(
    `max_drawdown 1: halted with "${event!.reason}" after ${on.summary.fills} fills (off: ${off.summary.fills} fills)`,
  );
});
