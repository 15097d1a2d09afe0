import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchStage } from '../../main/engine/bench/bench-stage.js';
import { coreBenchStages } from '../../main/engine/bench/core-stages.js';
import { allBenchStages } from '../../main/engine/bench/all-stages.js';
import {
  benchRowsToJson,
  formatBenchTable,
  formatNs,
  runBench,
  summarizeStage,
} from '../../main/engine/bench/run-bench.js';
import { benchCommand } from '../../main/cli/bench.js';

const stage = (name: string, budgetNs: number | null, samples: number[]): BenchStage => ({
  name,
  budgetNs,
  group: 'test',
  measure: () => Float64Array.from(samples),
});

test('bench rows: nearest-rank p50/p99/p99.9 and the budget judged on p99', () => {
  // 1..1000 ns shuffled: p50 = 500, p99 = 990, p99.9 = 999.
  const samples = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1);
  const row = summarizeStage(stage('s', 990, samples), Float64Array.from(samples));
  assert.equal(row.p50Ns, 500);
  assert.equal(row.p99Ns, 990);
  assert.equal(row.p999Ns, 999);
  assert.equal(row.samples, 1000);
  assert.equal(row.withinBudget, true);
  assert.equal(
    summarizeStage(stage('s', 989, samples), Float64Array.from(samples)).withinBudget,
    false,
  );
  assert.equal(
    summarizeStage(stage('s', null, samples), Float64Array.from(samples)).withinBudget,
    null,
  );
});

test('bench rows: a stage with no or non-finite samples is an error that names it', () => {
  assert.throws(
    () => summarizeStage(stage('empty one', 1, []), new Float64Array(0)),
    /"empty one" returned no samples/,
  );
  assert.throws(
    () => summarizeStage(stage('bad one', 1, []), Float64Array.of(1, NaN)),
    /"bad one" returned a non-finite sample/,
  );
});

test('bench table and JSON carry every row in order', async () => {
  const rows = await runBench([
    stage('fast op', 100, [10, 20, 30]),
    stage('slow op', 100, [500, 600]),
    stage('plain', null, [1500]),
  ]);
  const table = formatBenchTable(rows);
  const lines = table.split('\n');
  assert.match(lines[0]!, /^stage\s+\| budget \|\s+p50 \|\s+p99 \|\s+p99\.9 \| within budget\?$/);
  assert.match(table, /fast op\s+\|\s+100 ns \|\s+20 ns \|\s+30 ns \|\s+30 ns \|\s+yes/);
  assert.match(table, /slow op\s+\|\s+100 ns \|\s+500 ns \|\s+600 ns \|\s+600 ns \|\s+NO/);
  assert.match(table, /plain\s+\|\s+— \|\s+1\.50 µs .*\|\s+—$/m);
  const json = benchRowsToJson(rows);
  assert.deepEqual(
    json.map((r) => r.stage),
    ['fast op', 'slow op', 'plain'],
  );
  assert.deepEqual(Object.keys(json[0]!), [
    'stage',
    'group',
    'budget_ns',
    'p50_ns',
    'p99_ns',
    'p999_ns',
    'samples',
    'within_budget',
    'note',
  ]);
  assert.equal(json[1]!.within_budget, false);
  assert.equal(formatNs(3.24), '3.2 ns');
  assert.equal(formatNs(1234), '1.23 µs');
  assert.equal(formatNs(12_345), '12.3 µs');
  assert.equal(formatNs(2_100_000), '2.10 ms');
});

test('bench stages: every core stage is named, grouped and budgeted per docs/ARCHITECTURE.md §8', () => {
  const stages = coreBenchStages();
  assert.equal(new Set(stages.map((s) => s.name)).size, stages.length, 'names are unique');
  for (const s of stages) assert.equal(s.group, 'core');
  const sends = stages.filter((s) => s.name.startsWith('ring send'));
  assert.ok(sends.length >= 1);
  for (const s of sends) assert.equal(s.budgetNs, 100);
  for (const name of ['spin', 'hybrid', 'block']) {
    assert.ok(
      stages.some((s) => s.name === `ring hand-over across threads (${name})`),
      name,
    );
  }
  assert.ok(allBenchStages().length >= stages.length);
});

test('bench command: --json prints parseable rows for the filtered stages (a real cross-thread run)', async (t) => {
  const printed: string[] = [];
  t.mock.method(console, 'log', (text: string) => printed.push(text));
  t.mock.method(process.stderr, 'write', () => true);
  const code = await benchCommand.run({ json: true, filter: 'hand-over across threads (block)' });
  assert.equal(code, 0);
  const rows = JSON.parse(printed.join('\n')) as {
    stage: string;
    samples: number;
    p50_ns: number;
    p99_ns: number;
    p999_ns: number;
  }[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.stage, 'ring hand-over across threads (block)');
  assert.ok(rows[0]!.samples > 1000);
  assert.ok(
    rows[0]!.p50_ns > 0 &&
      rows[0]!.p50_ns <= rows[0]!.p99_ns &&
      rows[0]!.p99_ns <= rows[0]!.p999_ns,
  );
});

test('bench command: a filter that matches nothing says so and lists the stages', async () => {
  await assert.rejects(
    () => benchCommand.run({ json: false, filter: 'no such stage' }),
    /no bench stage matches --filter "no such stage"; the stages are: ring send/,
  );
});
