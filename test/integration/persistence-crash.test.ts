import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../main/engine/persistence/schema.js';

/**
 * Crash consistency (docs/ARCHITECTURE.md §7): a child process trades and writes through
 * PersistenceWriter in a loop; it is SIGKILLed while writing, three times, each restart
 * restoring from what the previous one left. After every kill, every position must equal
 * the sum of its trades (signed by side), exactly, in 1e-8 units.
 */

function runAndKill(dbPath: string, seed: number, commitsBeforeKill: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(__dirname, 'persistence-crash-child.js'), dbPath, String(seed)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let commits = 0;
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      commits += chunk.toString().split('committed').length - 1;
      if (!killed && commits >= commitsBeforeKill) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(commits);
      else reject(new Error(`child exited on its own (code ${code}): ${stderr}`));
    });
    setTimeout(() => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
        reject(new Error(`child made only ${commits} commits in 45 s: ${stderr}`));
      }
    }, 45_000).unref();
  });
}

function checkPositionsEqualTrades(dbPath: string): { trades: number; positions: number } {
  const db = openDatabase(dbPath);
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const sums = new Map<string, number>();
    const trades = db.prepare('SELECT strategy_id, symbol, side, quantity FROM trades').all() as {
      strategy_id: string;
      symbol: string;
      side: string;
      quantity: number;
    }[];
    for (const t of trades) {
      const key = `${t.strategy_id}/${t.symbol}`;
      const units = Math.round(t.quantity * 1e8);
      sums.set(key, (sums.get(key) ?? 0) + (t.side === 'Buy' ? units : -units));
    }
    const positions = db.prepare('SELECT strategy_id, symbol, quantity FROM positions').all() as {
      strategy_id: string;
      symbol: string;
      quantity: number;
    }[];
    for (const p of positions) {
      const key = `${p.strategy_id}/${p.symbol}`;
      assert.equal(
        Math.round(p.quantity * 1e8),
        sums.get(key) ?? 0,
        `position ${key} equals the sum of its trades`,
      );
      sums.delete(key);
    }
    assert.deepEqual([...sums.keys()], [], 'every traded position has a positions row');
    const ids = db.prepare('SELECT count(*) AS n, max(trade_id) AS top FROM trades').get() as {
      n: number;
      top: number;
    };
    assert.equal(ids.n, ids.top, 'trade ids are 1..n with no gap or reuse across restarts');
    return { trades: trades.length, positions: positions.length };
  } finally {
    db.close();
  }
}

test('crash consistency: SIGKILL while writing never leaves a position out of step with its trades', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'lockstep.sqlite');
  let previousTrades = 0;
  for (const [round, commits] of [
    [1, 15],
    [2, 30],
    [3, 45],
  ] as const) {
    await runAndKill(dbPath, round, commits);
    const { trades, positions } = checkPositionsEqualTrades(dbPath);
    assert.ok(
      trades > previousTrades,
      `round ${round} added trades (${previousTrades} → ${trades})`,
    );
    assert.equal(positions, 2);
    previousTrades = trades;
  }
});
