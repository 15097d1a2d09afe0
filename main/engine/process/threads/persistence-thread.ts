import { parentPort } from 'node:worker_threads';
import { PersistKind, persistKindOf } from '../../../../shared/records.js';
import { monoNowUs } from '../../core/clock.js';
import { PersistenceWriter } from '../../persistence/sqlite-writer.js';
import { injectedFault, spillUnwritten } from '../../persistence/spill-at-stop.js';
import { engineStrategyIds } from '../../execution/manual-orders.js';
import { attachEngine, runWorker } from '../thread-kit.js';
import type { PersistenceControl } from '../worker-messages.js';

const STRATEGY_FINISHED = 0x7fffffff;

/**
 * The persistence thread: drains the execution and strategy rings into SQLite in
 * batches. Unlike the trading threads it runs on its event loop (a 2 ms nap when idle
 * instead of parking on a doorbell) so the engine can send it low-rate control rows by
 * message; its latency is to disk, not to the market. A write error is reported to the
 * engine (which engages the kill switch) and the rows stay queued for the retry.
 */
runWorker('persistence', async () => {
  const engine = attachEngine();
  const { wiring, control } = engine;
  const fromExecution = engine.ring('execution_to_persistence');
  const fromStrategy = engine.ring('strategy_to_persistence');
  const batchStage = control.histogram('persist_batch');
  let failing = false;

  const tables = {
    symbols: wiring.symbols,
    strategyIds: engineStrategyIds(wiring.config.strategy.strategy_id),
  };
  const writer = new PersistenceWriter(wiring.dbPath, {
    ...tables,
    ...injectedFault(),
    onError: (error) => {
      control.add('write_errors');
      if (!failing) engine.report({ kind: 'persistence-error', message: error.message });
      failing = true;
    },
    // A row the database refuses (e.g. a reused id) is parked in malformed_rows, never
    // silently lost: say so loudly.
    onMalformed: (problem) =>
      engine.report({
        kind: 'log',
        level: 'error',
        msg: `persistence: row parked in malformed_rows: ${problem}`,
      }),
    onRowsWritten: (rows) => {
      control.add('persistence_rows', rows);
      if (failing) engine.report({ kind: 'persistence-recovered' });
      failing = false;
    },
  });

  let endSeen = false;
  parentPort?.on('message', (message: PersistenceControl) => {
    if (message.kind === 'end') endSeen = true;
    else if (message.kind === 'paramChange') writer.writeParamChange(message);
    else writer.writeKillSwitchEvent(message);
  });

  let executionFlushed = false;
  const drain = (): number => {
    let n = 0;
    for (let off = fromExecution.peek(); off >= 0 && n < 1000; off = fromExecution.peek()) {
      if (persistKindOf(fromExecution.records, off) === PersistKind.FLUSH) executionFlushed = true;
      else writer.writeRecord(fromExecution.records, off);
      fromExecution.release();
      n++;
    }
    for (let off = fromStrategy.peek(); off >= 0 && n < 2000; off = fromStrategy.peek()) {
      writer.writeRecord(fromStrategy.records, off);
      fromStrategy.release();
      n++;
    }
    return n;
  };
  const flushTimed = (force: boolean): void => {
    const started = monoNowUs();
    const wrote = force ? writer.flush() : writer.flushIfDue(Date.now());
    if (wrote > 0) batchStage.record((monoNowUs() - started) * 1000);
  };

  // Done when both producers said so (execution's FLUSH row, the strategy's final
  // barrier value) and their rings are empty — so a stop never loses their last rows. A
  // producer that died cannot say so: after a stop, give up waiting for it in 3 s.
  let stopSeenAt = 0;
  for (;;) {
    const n = drain();
    flushTimed(false);
    const finished =
      executionFlushed &&
      control.doneSeq('strategy') === STRATEGY_FINISHED &&
      !fromExecution.hasData() &&
      !fromStrategy.hasData();
    if (control.stopRequested() && stopSeenAt === 0) stopSeenAt = Date.now();
    if (finished || (stopSeenAt > 0 && n === 0 && Date.now() - stopSeenAt > 3000)) break;
    if (n === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    else await new Promise((resolve) => setImmediate(resolve));
  }
  // Control rows (a kill-switch event, a parameter change) come by message: ask the main
  // thread for an 'end' sent after all of them, so one posted just before a stop is kept.
  engine.report({ kind: 'persistence-closing' });
  for (const askedAt = Date.now(); !endSeen && Date.now() - askedAt < 2000;)
    await new Promise((resolve) => setTimeout(resolve, 2));
  drain();
  flushTimed(true);
  const pending = writer.pendingRows();
  const journal = spillUnwritten(writer, wiring.dbPath, tables, (msg) =>
    engine.report({ kind: 'log', level: 'error', msg }),
  );
  writer.close();
  engine.report({
    kind: 'done',
    thread: 'persistence',
    summary: { pendingRows: pending, journal },
  });
  parentPort?.close();
});
