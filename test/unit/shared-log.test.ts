import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLogLevel, LOG_LEVELS, type LogFn } from '../../shared/log.js';

test('the four log levels, and only they, are levels', () => {
  assert.deepEqual([...LOG_LEVELS], ['debug', 'info', 'warn', 'error']);
  for (const level of LOG_LEVELS) assert.equal(isLogLevel(level), true);
  for (const other of ['trace', 'fatal', 'INFO', '', 3, null, undefined]) {
    assert.equal(isLogLevel(other), false, String(other));
  }
});

test('a LogFn takes a level, a sentence and optional fields', () => {
  const lines: string[] = [];
  const log: LogFn = (level, msg, data) =>
    void lines.push(`${level} ${msg}${data ? ` ${JSON.stringify(data)}` : ''}`);
  log('warn', 'feed stale', { symbol: 'BTCUSDT' });
  log('info', 'synced');
  assert.deepEqual(lines, ['warn feed stale {"symbol":"BTCUSDT"}', 'info synced']);
});
