import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decimalsFor,
  decimalsOfStep,
  formatDecimalText,
  formatUnits,
  parseSignedFixed,
} from '../../renderer/src/format/decimals.js';
import {
  formatClockUs,
  formatDuration,
  formatMicros,
  formatMoney,
  formatRatioPercent,
} from '../../renderer/src/format/numbers.js';

test('decimals per symbol come from the tick and step sizes', () => {
  assert.deepEqual(decimalsFor('BTCUSDT'), { price: 2, qty: 5 });
  assert.deepEqual(decimalsFor('ETHUSDT'), { price: 2, qty: 4 });
  assert.deepEqual(decimalsFor('SOLUSDT'), { price: 2, qty: 2 });
  // Unknown symbols sit on the exact 1e-8 grid.
  assert.deepEqual(decimalsFor('XYZUSDT'), { price: 8, qty: 8 });
  assert.equal(decimalsOfStep(100_000_000), 0);
  assert.equal(decimalsOfStep(0), 8);
});

test('decimal strings are shown with fixed decimals, exactly and rounded half away from zero', () => {
  assert.equal(formatDecimalText('119000.01000000', 2), '119000.01');
  assert.equal(formatDecimalText('0.00001', 5), '0.00001');
  assert.equal(formatDecimalText('5', 2), '5.00');
  assert.equal(formatDecimalText('0.125', 2), '0.13');
  assert.equal(formatDecimalText('-0.125', 2), '-0.13');
  assert.equal(
    formatDecimalText('-0.001', 2),
    '0.00',
    'a value that rounds to zero shows no minus sign',
  );
  assert.equal(formatDecimalText('1.5', 0), '2');
  assert.equal(
    formatUnits(30_000_000 + 10_000_000, 1),
    '0.4',
    'integer arithmetic: 0.3 + 0.1 is 0.4',
  );
});

test('text that is not a decimal is shown as it came, not hidden', () => {
  assert.equal(formatDecimalText('n/a', 2), 'n/a');
  assert.equal(formatDecimalText('', 2), '');
  assert.ok(Number.isNaN(parseSignedFixed('1e5')));
  assert.equal(parseSignedFixed('-2.5'), -250_000_000);
});

test('money, ratios, latencies and durations format for reading at a glance', () => {
  assert.equal(formatMoney(1234.5), '+1,234.50');
  assert.equal(formatMoney(-0.004), '0.00');
  assert.equal(formatMoney(-12), '-12.00');
  assert.equal(formatMoney(null), '—');
  assert.equal(formatMoney(Number.NaN), '—');
  assert.equal(formatRatioPercent(0.1234), '12.3 %');
  assert.equal(formatMicros(8.25), '8.3 µs');
  assert.equal(formatMicros(1500), '1.50 ms');
  assert.equal(formatMicros(25_000), '25.0 ms');
  assert.equal(formatDuration(3723), '1h 02m 03s');
  assert.equal(formatDuration(65), '1m 05s');
  assert.equal(formatDuration(-1), '—');
});

test('clock times show local time with milliseconds', () => {
  const tsUs = Date.UTC(2025, 6, 8, 12, 0, 0, 125) * 1000 + 999;
  const local = new Date(Math.floor(tsUs / 1000));
  const expected = [local.getHours(), local.getMinutes(), local.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  assert.equal(formatClockUs(tsUs), `${expected}.125`);
  assert.equal(formatClockUs(0), '—');
});
