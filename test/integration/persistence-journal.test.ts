import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatFixed } from '../../shared/domain.js';
import { validateConfig, type Config } from '../../shared/config.js';
import { runReplay } from '../../main/engine/process/replay-runner.js';
import { checkDatabaseAtStart } from '../../main/engine/persistence/startup-check.js';
import { EngineRuntime } from '../../main/engine/process/engine-runtime.js';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';

// A full disk during a run of the real engine (the writer's SQLITE_FULL seam): every fill
// the engine acknowledged is either in the database or in the journal beside it when the
// run ends, and the journal is written first at the next start — after which the database
// holds exactly the fills and positions the engine reported.
const repoRoot = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'lockstep-journal-'));
const recording = join(dir, 'btc.jsonl');
const config: Config = validateConfig({
  strategy: { params: { min_confidence: 0.3, imbalance_threshold: 0.5 } },
});
const configFile = join(dir, 'lockstep.toml');
const FAULT = 'LOCKSTEP_FAULT_DB_FULL_AFTER_ROWS';
const CLI = join(__dirname, '..', '..', 'main', 'cli', 'index.js');

before(async () => {
  const full = join(dir, 'btc-full.jsonl');
  await convertHftbacktest(
    join(repoRoot, 'test', 'fixtures', 'hftbacktest-binance-spot-btcusdt-20240808.gz'),
    'BTCUSDT',
    full,
  );
  writeFileSync(
    recording,
    readFileSync(full, 'utf8').split('\n').slice(0, 12000).join('\n') + '\n',
  );
  writeFileSync(configFile, '[strategy.params]\nmin_confidence = 0.3\nimbalance_threshold = 0.5\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

function dbFacts(dbPath: string): { trades: number; positions: Record<string, string> } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const trades = (db.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n;
    const positions: Record<string, string> = {};
    for (const row of db.prepare('SELECT symbol, quantity FROM positions').all() as Array<{
      symbol: string;
      quantity: number;
    }>)
      positions[row.symbol] = formatFixed(Math.round(row.quantity * 1e8));
    return { trades, positions };
  } finally {
    db.close();
  }
}

test('disk full mid-run: unwritten rows go to the journal at stop, are written first at the next start, and then the database equals what the engine reported', async () => {
  const dbPath = join(dir, 'full.sqlite');
  process.env[FAULT] = '150';
  let summary;
  try {
    summary = await runReplay({ dataFile: recording, config, dbPath });
  } finally {
    delete process.env[FAULT];
  }
  assert.ok(summary.fills > 0, 'the engine filled orders');
  assert.ok(summary.unwritten_rows > 0, 'rows could not be written');
  assert.equal(summary.journal, `${dbPath}.journal`);
  assert.ok(existsSync(summary.journal));
  const before = dbFacts(dbPath);
  assert.ok(
    before.trades < summary.fills,
    `only ${before.trades} of ${summary.fills} fills reached the database`,
  );

  // The next start (the live engine's startup check) writes the journal first.
  const check = checkDatabaseAtStart(dbPath);
  assert.equal(check.journal.problem, null);
  assert.equal(check.journal.left, 0);
  assert.equal(check.journal.written, summary.unwritten_rows);
  assert.ok(!existsSync(summary.journal), 'the journal is gone once written');
  const afterRestart = dbFacts(dbPath);
  assert.equal(afterRestart.trades, summary.fills, 'every acknowledged fill is in the database');
  assert.deepEqual(afterRestart.positions, summary.positions);
  console.log(
    `disk full after 150 rows: ${summary.fills} fills, ${before.trades} in the database at stop, ${summary.unwritten_rows} rows journaled; after restart ${afterRestart.trades} trades, positions ${JSON.stringify(afterRestart.positions)}`,
  );
});

test('`replay` on a full disk prints the summary, then exits non-zero saying how many rows were not written', () => {
  const dbPath = join(dir, 'cli.sqlite');
  const result = spawnSync(
    process.execPath,
    [CLI, 'replay', '--data', recording, '--config', configFile, '--db', dbPath, '--json'],
    { encoding: 'utf8', env: { ...process.env, [FAULT]: '150' } },
  );
  assert.equal(result.status, 1, result.stderr);
  const summary = JSON.parse(result.stdout) as { fills: number; unwritten_rows: number };
  assert.ok(summary.unwritten_rows > 0);
  assert.match(
    result.stderr,
    new RegExp(
      `${summary.unwritten_rows} rows could not be written to the database, so it disagrees with this summary; they were kept in .*cli\\.sqlite\\.journal`,
    ),
  );
  // Without the fault the same replay exits 0.
  const clean = spawnSync(
    process.execPath,
    [
      CLI,
      'replay',
      '--data',
      recording,
      '--config',
      configFile,
      '--db',
      join(dir, 'ok.sqlite'),
      '--json',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal((JSON.parse(clean.stdout) as { unwritten_rows: number }).unwritten_rows, 0);
});

/** How many rows (records and control rows) the journal holds, read as the engine reads it. */
function journalRows(path: string): number {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { count: number; control: unknown[] })
    .reduce((sum, entry) => sum + entry.count + entry.control.length, 0);
}

test('a journal that still cannot be written at the next start: the engine starts HALTED saying so, and no row is lost', async () => {
  const dbPath = join(dir, 'again.sqlite');
  process.env[FAULT] = '150';
  let summary;
  try {
    summary = await runReplay({ dataFile: recording, config, dbPath });
  } finally {
    delete process.env[FAULT];
  }
  assert.ok(summary.unwritten_rows > 0);
  const journal = `${dbPath}.journal`;
  assert.equal(journalRows(journal), summary.unwritten_rows);

  // The disk is still full at the next start: every write fails, the journal too.
  process.env[FAULT] = '0';
  let engine: EngineRuntime | undefined;
  try {
    engine = EngineRuntime.start({
      mode: 'live',
      config: validateConfig({
        market: { url: 'ws://127.0.0.1:9', rest_url: 'http://127.0.0.1:9' },
        metrics: { port: 0 },
      }),
      dbPath,
    });
    // The state it starts in, before any thread reported (a failed write of this run
    // would add its own reason later).
    const start = engine.state().killSwitch;
    assert.equal(start.state, 'HALTED');
    assert.equal(start.source, 'engine');
    assert.ok(
      start.reason.startsWith(
        `${summary.unwritten_rows} rows kept in ${journal} from an earlier run could not be written to the database (`,
      ),
      start.reason,
    );
    assert.match(start.reason, /they stay in the journal$/);
    assert.equal(journalRows(journal), summary.unwritten_rows, 'every row is still in the journal');
    console.log(`journal unwritable at start: ${start.reason}`);
  } finally {
    await engine?.stop();
    delete process.env[FAULT];
  }
  // This run's own unwritable rows joined the journal; the earlier ones are all there.
  assert.ok(journalRows(journal) >= summary.unwritten_rows);

  // Space again: the next start writes them all, and the database equals the replay.
  const check = checkDatabaseAtStart(dbPath);
  assert.equal(check.journal.problem, null);
  assert.ok(check.journal.written >= summary.unwritten_rows);
  assert.ok(!existsSync(journal));
  const facts = dbFacts(dbPath);
  assert.equal(facts.trades, summary.fills, 'every acknowledged fill is in the database');
  assert.deepEqual(facts.positions, summary.positions);
});
