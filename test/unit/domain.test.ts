import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed, parseFixed } from '../../shared/domain.js';

test('fixed-point parse and format round-trip the exchange strings exactly', () => {
  for (const [text, units, back] of [
    ['119000.01000000', 11900001000000, '119000.01'],
    ['0.00001000', 1000, '0.00001'],
    ['148728.87', 14872887000000, '148728.87'],
    ['5', 500000000, '5'],
    ['0.00000000', 0, '0'],
  ] as const) {
    assert.equal(parseFixed(text), units);
    assert.equal(formatFixed(parseFixed(text)), back);
  }
});

test('fixed-point parse refuses what is not a plain decimal', () => {
  for (const bad of ['', '.', '1.2.3', '-1', '1e5', 'abc', '0.000000001', 'NaN']) {
    assert.ok(Number.isNaN(parseFixed(bad)), bad);
  }
});
