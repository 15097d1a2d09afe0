import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffDelayMs } from '../../shared/backoff.js';

test('delays double from the first up to the ceiling, and stay there', () => {
  const policy = { initialMs: 500, maxMs: 10_000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 40, 5000].map((attempt) => backoffDelayMs(policy, attempt)),
    [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000],
  );
  assert.equal(backoffDelayMs(policy, -3), 500, 'a negative attempt is the first');
});

test('jitter only shortens a delay, by at most its share', () => {
  const policy = { initialMs: 250, maxMs: 5000, jitter: 0.2 };
  assert.equal(backoffDelayMs(policy, 3, 0), 2000);
  assert.equal(backoffDelayMs(policy, 3, 0.5), 1800);
  for (let i = 0; i < 1000; i++) {
    const random = i / 1000;
    const delay = backoffDelayMs(policy, 30, random);
    assert.ok(delay <= 5000 && delay > 5000 * 0.8, `${delay} for ${random}`);
  }
  const half = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };
  assert.equal(backoffDelayMs(half, 0, 0.999), 500 * (1 - 0.5 * 0.999));
});

test('the counter doubles per retry, takes its jitter from the source, and resets', () => {
  const draws = [0, 0.5, 0.25, 0];
  const backoff = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5 }, () => draws.shift()!);
  assert.deepEqual(
    [backoff.nextDelayMs(), backoff.nextDelayMs(), backoff.nextDelayMs()],
    [100, 150, 350],
  );
  assert.equal(backoff.attempts, 3);
  backoff.reset();
  assert.equal(backoff.attempts, 0);
  assert.equal(backoff.nextDelayMs(), 100);
});
