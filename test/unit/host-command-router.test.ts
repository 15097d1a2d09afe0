import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import { createCommandRouter, validateCommand } from '../../main/host/command-router.js';

type CommandMessage = Extract<HostToEngine, { kind: 'command' }>;

function routerWith(
  options: { up?: () => string | null; accept?: boolean; ackTimeoutMs?: number } = {},
) {
  const sent: CommandMessage[] = [];
  const router = createCommandRouter({
    sendToEngine: (message) => {
      if (options.accept === false) return false;
      sent.push(message);
      return true;
    },
    engineUnavailable: options.up ?? (() => null),
    ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
  });
  return { router, sent };
}

const MALFORMED: ReadonlyArray<[string, unknown, RegExp]> = [
  ['not an object', 'setKillSwitch', /invalid command/],
  ['null', null, /invalid command/],
  ['an array', [{ type: 'cancelAll' }], /invalid command/],
  ['unknown type', { type: 'launchMissiles' }, /invalid command: type/],
  ['wrong field type', { type: 'setKillSwitch', on: 'yes', reason: 'x' }, /on: .*boolean/i],
  ['extra key', { type: 'cancelAll', force: true }, /unrecognized key.*force/i],
  ['missing field', { type: 'setKillSwitch', on: true }, /reason/],
  [
    'NaN-like string in a patch',
    { type: 'updateParams', patch: { imbalance_threshold: 'NaN' } },
    /patch\.imbalance_threshold/,
  ],
  [
    'Infinity-like string',
    { type: 'updateRiskLimits', patch: { max_order_size: 'Infinity' } },
    /patch\.max_order_size/,
  ],
  [
    'oversized reason',
    { type: 'setKillSwitch', on: true, reason: 'x'.repeat(501) },
    /reason: .*500/,
  ],
  ['empty reason', { type: 'setKillSwitch', on: false, reason: '' }, /reason/],
  ['negative order id', { type: 'cancelOrder', orderId: -3 }, /orderId/],
  ['fractional order id', { type: 'cancelOrder', orderId: 1.5 }, /orderId/],
  ['lower-case symbol', { type: 'flatten', symbol: 'btcusdt' }, /symbol/],
  [
    'unknown parameter',
    { type: 'updateParams', patch: { imbalance_treshold: 0.4 } },
    /strategy\.params\.imbalance_treshold is not a parameter/,
  ],
  [
    'risk limit sent as a parameter',
    { type: 'updateParams', patch: { max_order_size: 0.1 } },
    /strategy\.params\.max_order_size is not a parameter/,
  ],
  [
    'prototype key',
    JSON.parse('{"type":"updateParams","patch":{"__proto__":0.5}}'),
    /invalid command/,
  ],
  [
    'out of range',
    { type: 'updateParams', patch: { imbalance_threshold: 1.5 } },
    /strategy\.params\.imbalance_threshold must be a number with 0 < imbalance_threshold < 1; got 1\.5/,
  ],
  [
    'non-integer where integer',
    { type: 'updateRiskLimits', patch: { max_orders_per_second: 2.5 } },
    /max_orders_per_second must be an integer/,
  ],
  ['empty patch', { type: 'updateRiskLimits', patch: {} }, /patch is empty/],
];

for (const [what, payload, reason] of MALFORMED) {
  test(`a malformed command is refused with a reason and never sent: ${what}`, async () => {
    const { router, sent } = routerWith();
    const ack = await router.send(payload);
    assert.equal(ack.ok, false);
    assert.ok(!ack.ok);
    assert.match(ack.reason, reason);
    assert.equal(sent.length, 0);
    assert.equal(router.pendingCount, 0);
  });
}

test('a valid command is forwarded with the host id and resolved by the engine ack', async () => {
  const { router, sent } = routerWith();
  const first = router.send({ type: 'setKillSwitch', on: true, reason: 'news' });
  const second = router.send({
    type: 'updateParams',
    patch: { imbalance_threshold: 0.4, depth_levels: 10 },
  });
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0]!.id, sent[1]!.id);
  assert.deepEqual(sent[0]!.command, { type: 'setKillSwitch', on: true, reason: 'news' });
  // Acks may arrive in any order.
  router.handleAck(sent[1]!.id, { ok: false, reason: 'cross-field rule' });
  router.handleAck(sent[0]!.id, { ok: true });
  assert.deepEqual(await first, { ok: true });
  assert.deepEqual(await second, { ok: false, reason: 'cross-field rule' });
  assert.equal(router.pendingCount, 0);
});

test('an unanswered command is refused after the ack timeout, and a late ack is ignored', async () => {
  const { router, sent } = routerWith({ ackTimeoutMs: 50 });
  const ack = await router.send({ type: 'cancelAll' });
  assert.equal(ack.ok, false);
  assert.ok(!ack.ok && /^engine did not answer within 0\.05 s/.test(ack.reason));
  router.handleAck(sent[0]!.id, { ok: true });
  assert.equal(router.pendingCount, 0);
});

test('commands are refused with the reason while the engine is down', async () => {
  const { router, sent } = routerWith({ up: () => 'the engine is restarting after a failure' });
  const ack = await router.send({ type: 'flatten', symbol: 'BTCUSDT' });
  assert.deepEqual(ack, {
    ok: false,
    reason: 'the engine is restarting after a failure; the command was not sent',
  });
  assert.equal(sent.length, 0);
});

test('a send the supervisor could not deliver is refused at once', async () => {
  const { router } = routerWith({ accept: false });
  const ack = await router.send({ type: 'cancelOrder', orderId: 7 });
  assert.deepEqual(ack, {
    ok: false,
    reason: 'the engine is not running; the command was not sent',
  });
  assert.equal(router.pendingCount, 0);
});

test('pending commands are refused when the engine goes away', async () => {
  const { router } = routerWith();
  const a = router.send({ type: 'cancelAll' });
  const b = router.send({ type: 'flatten' });
  router.refuseAllPending('engine crashed');
  assert.deepEqual(await a, { ok: false, reason: 'engine crashed' });
  assert.deepEqual(await b, { ok: false, reason: 'engine crashed' });
});

test('subscribe is answered by the host and never forwarded, even with the engine down', async () => {
  const { router, sent } = routerWith({ up: () => 'the engine is stopped' });
  assert.deepEqual(await router.send({ type: 'subscribe' }), { ok: true, detail: 'subscribed' });
  assert.equal(sent.length, 0);
});

test('validateCommand accepts every well-formed command type', () => {
  for (const command of [
    { type: 'setKillSwitch', on: false, reason: 're-armed after review' },
    { type: 'updateParams', patch: { min_confidence: 0 } },
    { type: 'updateRiskLimits', patch: { max_orders_per_second: 20 } },
    { type: 'flatten' },
    { type: 'flatten', symbol: 'ETHUSDT' },
    { type: 'cancelAll' },
    { type: 'cancelOrder', orderId: 12 },
    { type: 'subscribe' },
  ]) {
    const result = validateCommand(command);
    assert.ok(result.ok, `${JSON.stringify(command)}: ${result.ok ? '' : result.reason}`);
    assert.deepEqual(result.command, command);
  }
});
