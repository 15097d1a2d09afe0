import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ladderHotkey } from '../../renderer/src/book/OrderEntryBar.js';
import { quantityProblem } from '../../renderer/src/book/use-order-entry.js';
import { confidenceSummary } from '../../renderer/src/components/ConfidenceHistogram.js';
import { reasonWords } from '../../renderer/src/components/OrdersPanel.js';
import { isReduceOnlyHotkey } from '../../renderer/src/components/ReduceOnlySwitch.js';
import { signalStatusText } from '../../renderer/src/components/SignalsPanel.js';

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {},
) => ({
  key: k,
  ctrlKey: true,
  shiftKey: true,
  altKey: false,
  metaKey: false,
  ...mods,
});

test('hotkeys: Ctrl+Shift+R reduce only; B/S at the touch, X cancel all, F flatten; nothing without both modifiers', () => {
  assert.equal(isReduceOnlyHotkey(key('R')), true);
  assert.equal(isReduceOnlyHotkey(key('r', { shiftKey: false })), false);
  assert.equal(ladderHotkey(key('B')), 'buy');
  assert.equal(ladderHotkey(key('s')), 'sell');
  assert.equal(ladderHotkey(key('X')), 'cancelAll');
  assert.equal(ladderHotkey(key('F')), 'flatten');
  assert.equal(ladderHotkey(key('b', { ctrlKey: false })), null, 'typing B never trades');
  assert.equal(ladderHotkey(key('b', { altKey: true })), null);
  assert.equal(ladderHotkey(key('K')), null, 'the kill switch is its own');
});

test('the order quantity is checked before anything is sent', () => {
  assert.equal(quantityProblem('0.01'), null);
  assert.equal(quantityProblem(' 1 '), null);
  assert.match(quantityProblem('')!, /enter an order quantity/);
  assert.match(quantityProblem('1e-3')!, /plain decimal/);
  assert.match(quantityProblem('0.000000001')!, /plain decimal/);
  assert.match(quantityProblem('0')!, /above 0/);
});

test('what a signal and an order say about why they were not traded', () => {
  const signal = {
    tsUs: 1,
    symbol: 'BTCUSDT',
    side: 'Buy' as const,
    strength: 0.5,
    confidence: 0.5,
    holdingPeriodMs: 1000,
    suppressed: true,
    reason: 'confidence 0.50 < min_confidence 0.70',
  };
  assert.equal(signalStatusText(signal), 'suppressed: confidence 0.50 < min_confidence 0.70');
  assert.equal(
    signalStatusText({ ...signal, suppressed: false, reason: 'reduce only' }),
    'refused: reduce only',
  );
  const { reason: _omit, ...traded } = signal;
  assert.equal(signalStatusText({ ...traded, suppressed: false }), 'fired');
  assert.equal(reasonWords('reducing_only'), 'reducing only');
});

test('the confidence histogram reads out its distribution and the share above the threshold', () => {
  assert.equal(
    confidenceSummary(new Array(10).fill(0), 0.7),
    'Confidence distribution: no signals yet',
  );
  const bins = [0, 0, 0, 0, 0, 6, 2, 1, 0, 1];
  assert.equal(
    confidenceSummary(bins, 0.7),
    'Confidence distribution of 10 signals: 0.5–0.6: 60%, 0.6–0.7: 20%, 0.7–0.8: 10%, 0.9–1.0: 10%; about 20% at or above min_confidence 0.7',
  );
});
