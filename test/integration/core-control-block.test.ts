import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlBlock } from '../../main/engine/core/control-block.js';
import { TradingStateCode } from '../../shared/domain.js';
import { startWorker, stopAll } from './core-thread-harness.js';

test('control block: live params swap is all or nothing under a concurrent writer', async (t) => {
  const control = ControlBlock.create({ symbols: ['BTCUSDT'] });
  const reader = startWorker({ role: 'params-reader', control: control.buffer, distinct: 1000 });
  const writer = startWorker({
    role: 'params-writer',
    control: control.buffer,
    maxWrites: 100_000_000,
  });
  try {
    const [read, written] = await Promise.all([reader.result, writer.result]);
    assert.equal(read.firstProblem, null);
    assert.equal(read.bad, 0);
    assert.ok(read.distinct >= 1000, `the reader saw only ${read.distinct} parameter sets`);
    assert.equal(
      read.last,
      written.last,
      'after the writer is done, the reader holds its last set',
    );
    t.diagnostic(
      `reader: ${read.count} reads, ${read.distinct} parameter sets seen of ${written.count} written`,
    );
  } finally {
    await stopAll([reader, writer]);
  }
});

test('control block: trading state is visible across threads both ways, stop wakes a parked thread', async () => {
  const control = ControlBlock.create({ symbols: ['BTCUSDT'] });
  const follower = startWorker({ role: 'state-follower', control: control.buffer });
  try {
    control.setTradingState(TradingStateCode.HALTED);
    control.doorbell('execution').ring();
    assert.equal(
      await control.waitForDoneSeqAsync('execution', 1, 30_000),
      true,
      'the worker saw HALTED',
    );
    assert.equal(
      control.tradingState(),
      TradingStateCode.REDUCING,
      'and its REDUCING is visible here',
    );
    control.requestStop();
    const result = await follower.result;
    assert.equal(result.firstProblem, null);
    assert.equal(control.doneSeq('execution'), 2, 'the parked worker woke on stop and finished');
  } finally {
    await stopAll([follower]);
  }
});
