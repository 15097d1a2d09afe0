import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexMap } from '../../shared/index-map.js';
import {
  ORDER_STATUSES,
  ORDER_TYPES,
  OrderStatusCode,
  OrderTypeCode,
  REJECT_REASONS,
  RejectReasonCode,
  TRADING_STATES,
  TradingStateCode,
} from '../../shared/domain.js';
import { FEATURE_COLUMN_COUNT, FeatureColumn } from '../../main/engine/core/feature-buffer.js';

test('an index map gives each name its position in the tuple, and is frozen', () => {
  const map = indexMap(['A', 'B', 'C'] as const);
  assert.deepEqual({ ...map }, { A: 0, B: 1, C: 2 });
  const literal: 2 = map.C; // the literal index is kept in the type
  assert.equal(literal, 2);
  assert.equal(Object.isFrozen(map), true);
  assert.throws(() => indexMap(['A', 'B', 'A']), /the names repeat: A, B, A/);
});

test('the code tables built from tuples agree with them', () => {
  TRADING_STATES.forEach((state, code) => assert.equal(TradingStateCode[state], code));
  assert.deepEqual(
    { ...TradingStateCode },
    { ACTIVE: 0, REDUCING: 1, HALTED: 2 },
    'the trading-state word keeps its wire values (metrics and the control block use them)',
  );
  assert.equal(Object.keys(FeatureColumn).length, FEATURE_COLUMN_COUNT);
  assert.equal(FeatureColumn.SPREAD_BPS, FEATURE_COLUMN_COUNT - 1);
});

test('order types, order statuses and reject reasons keep their wire codes', () => {
  // Ring records and SQLite rows carry these numbers; deriving the tables must not move one.
  assert.deepEqual({ ...OrderTypeCode }, { Market: 0, Limit: 1, PostOnly: 2, IOC: 3, FOK: 4 });
  assert.deepEqual(
    { ...OrderStatusCode },
    { Pending: 0, Open: 1, PartiallyFilled: 2, Filled: 3, Cancelled: 4, Rejected: 5 },
  );
  ORDER_TYPES.forEach((type, code) => assert.equal(OrderTypeCode[type], code));
  ORDER_STATUSES.forEach((status, code) => assert.equal(OrderStatusCode[status], code));
  REJECT_REASONS.forEach((reason, code) => assert.equal(RejectReasonCode[reason], code));
});
