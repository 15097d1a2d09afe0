import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FEED_STATES,
  REJECT_REASONS,
  TradingStateCode,
  type FeedStateCode,
  type Price,
  type Qty,
  type SideCode,
  type SymbolIndex,
  type TimestampUs,
} from '../../shared/domain.js';
import { RISK_ACCEPTED, RiskValidator } from '../../main/engine/strategy/risk/risk-validator.js';
import { TokenBucket } from '../../main/engine/strategy/risk/token-bucket.js';
import { limits } from './strategy-fixtures.js';

// The cases are tables of plain numbers; these give them their units at the call.
const S = (i: number) => i as SymbolIndex;
const SD = (side: number) => side as SideCode;
const Q = (units: number) => units as Qty;
const P = (units: number) => units as Price;
const T = (us: number) => us as TimestampUs;
const F = (code: number) => code as FeedStateCode;

const BTC = 1e8; // 1 BTC in 1e-8 units
const PRICE = 50_000 * 1e8;
const reason = (code: number): string =>
  code === RISK_ACCEPTED ? 'accepted' : REJECT_REASONS[code]!;

function ready(overrides: Parameters<typeof limits>[0] = {}, symbols = 1): RiskValidator {
  const risk = new RiskValidator(symbols, limits({ max_orders_per_second: 100, ...overrides }));
  for (let s = 0; s < symbols; s++) {
    risk.setBookSynced(S(s), true);
    risk.setMark(S(s), 50_000);
  }
  return risk;
}

test('risk: an order inside every limit passes and is counted', () => {
  const risk = ready();
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.5 * BTC), P(PRICE), T(1))), 'accepted');
  assert.equal(risk.accepted, 1);
  assert.equal(
    risk.rejections.reduce((a, b) => a + b, 0),
    0,
  );
});

test('risk: each refusal names its reason and is counted under it', () => {
  const cases: {
    name: string;
    setup: (r: RiskValidator) => void;
    side: number;
    qty: number;
    expect: string;
  }[] = [
    { name: 'zero quantity', setup: () => {}, side: 1, qty: 0, expect: 'zero_size' },
    {
      name: 'halted',
      setup: (r) => r.setTradingState(TradingStateCode.HALTED),
      side: 1,
      qty: 0.1 * BTC,
      expect: 'kill_switch',
    },
    {
      name: 'position limit',
      setup: (r) => r.setPosition(S(0), Q(0.8 * BTC)),
      side: 1,
      qty: 0.3 * BTC,
      expect: 'position_limit',
    },
    { name: 'order size', setup: () => {}, side: 1, qty: 0.6 * BTC, expect: 'order_size' },
    {
      name: 'notional',
      // 0.9 BTC × 50 000 = 45 000 already held in a second symbol, limit 60 000.
      setup: (r) => r.setPosition(S(1), Q(-0.9 * BTC)),
      side: 1,
      qty: 0.4 * BTC,
      expect: 'notional_exposure',
    },
    {
      name: 'feed not live',
      setup: (r) => r.setFeedState(S(0), F(FEED_STATES.indexOf('stale'))),
      side: 1,
      qty: 0.1 * BTC,
      expect: 'feed_not_live',
    },
    {
      name: 'book unsynced',
      setup: (r) => r.setBookSynced(S(0), false),
      side: 1,
      qty: 0.1 * BTC,
      expect: 'book_unsynced',
    },
  ];
  for (const c of cases) {
    const risk = ready({ max_notional_exposure: 60_000 }, 2);
    c.setup(risk);
    const code = risk.check(S(0), SD(c.side), Q(c.qty), P(PRICE), T(1));
    assert.equal(reason(code), c.expect, c.name);
    assert.equal(
      risk.rejections[REJECT_REASONS.indexOf(c.expect as (typeof REJECT_REASONS)[number])],
      1,
      `${c.name} counted`,
    );
    assert.equal(risk.accepted, 0);
  }
});

test('risk: checks run in order, the first failure is the reason', () => {
  const risk = ready();
  risk.setTradingState(TradingStateCode.HALTED);
  risk.setBookSynced(S(0), false);
  // Oversized too, but the kill switch comes first.
  assert.equal(reason(risk.check(S(0), SD(1), Q(5 * BTC), P(PRICE), T(1))), 'kill_switch');
  risk.setTradingState(TradingStateCode.ACTIVE);
  assert.equal(reason(risk.check(S(0), SD(1), Q(5 * BTC), P(PRICE), T(1))), 'position_limit');
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.1 * BTC), P(PRICE), T(1))), 'book_unsynced');
});

test('risk: HALTED lets nothing but cancels through', () => {
  const risk = ready();
  risk.setPosition(S(0), Q(0.5 * BTC));
  risk.setTradingState(TradingStateCode.HALTED);
  assert.equal(
    reason(risk.check(S(0), SD(-1), Q(0.1 * BTC), P(PRICE), T(1))),
    'kill_switch',
    'even a reducing order',
  );
  assert.equal(risk.checkCancel(), RISK_ACCEPTED);
});

test('risk: REDUCING passes only orders that shrink |position| without flipping it', () => {
  const risk = ready();
  risk.setTradingState(TradingStateCode.REDUCING);
  assert.equal(
    reason(risk.check(S(0), SD(1), Q(0.1 * BTC), P(PRICE), T(1))),
    'reducing_only',
    'flat: nothing reduces',
  );
  risk.setPosition(S(0), Q(0.4 * BTC));
  assert.equal(
    reason(risk.check(S(0), SD(1), Q(0.1 * BTC), P(PRICE), T(2))),
    'reducing_only',
    'adding to a long',
  );
  assert.equal(
    reason(risk.check(S(0), SD(-1), Q(0.5 * BTC), P(PRICE), T(3))),
    'reducing_only',
    'selling past flat flips',
  );
  assert.equal(
    reason(risk.check(S(0), SD(-1), Q(0.4 * BTC), P(PRICE), T(4))),
    'accepted',
    'selling to flat',
  );
  risk.setPosition(S(0), Q(-0.3 * BTC));
  assert.equal(
    reason(risk.check(S(0), SD(1), Q(0.2 * BTC), P(PRICE), T(5))),
    'accepted',
    'buying back part of a short',
  );
  assert.equal(risk.rejections[REJECT_REASONS.indexOf('reducing_only')], 3);
});

test('risk: the rate limit is a token bucket on the data clock, not the wall clock', () => {
  const risk = ready({ max_orders_per_second: 10 });
  let ts = 1_700_000_000_000_000;
  for (let i = 0; i < 10; i++)
    assert.equal(
      reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))),
      'accepted',
      `burst ${i}`,
    );
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))), 'rate_limit');
  ts += 99_999;
  assert.equal(
    reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))),
    'rate_limit',
    '1 µs short of a token',
  );
  ts += 1;
  assert.equal(
    reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))),
    'accepted',
    'exactly 100 ms later',
  );
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))), 'rate_limit');
  // A refusal for another reason spends no token.
  risk.setBookSynced(S(0), false);
  ts += 100_000;
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))), 'book_unsynced');
  risk.setBookSynced(S(0), true);
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.01 * BTC), P(PRICE), T(ts))), 'accepted');
  assert.equal(risk.rejections[REJECT_REASONS.indexOf('rate_limit')], 3);
});

test('token bucket: capacity, refill, time going backwards, live rate change', () => {
  const bucket = new TokenBucket(2);
  assert.equal(bucket.available(0), true);
  bucket.take();
  bucket.take();
  assert.equal(bucket.available(0), false);
  assert.equal(bucket.available(-5_000_000), false, 'a clock step back refills nothing');
  assert.equal(bucket.available(499_999), false);
  assert.equal(bucket.available(500_000), true);
  assert.equal(bucket.available(100_000_000), true);
  assert.equal(bucket.tokens, 2, 'capped at one second of orders');
  bucket.setRate(1);
  assert.equal(bucket.tokens, 1, 'a lower rate caps the credit held');
});

test('risk: live limit change applies to the next check', () => {
  const risk = ready();
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.5 * BTC), P(PRICE), T(1))), 'accepted');
  risk.setLimits(limits({ max_order_size: 0.2, max_orders_per_second: 100 }));
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.5 * BTC), P(PRICE), T(2))), 'order_size');
  assert.equal(reason(risk.check(S(0), SD(1), Q(0.2 * BTC), P(PRICE), T(3))), 'accepted');
});
