import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLatestFanout } from '../../main/host/latest-fanout.js';

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'condition not reached');
};

test('a burst is coalesced: each subscriber gets the first value, then only the newest', async () => {
  const fanout = createLatestFanout<number>({ maxHz: 30 });
  const a: number[] = [];
  const b: number[] = [];
  fanout.subscribe((value) => a.push(value));
  fanout.subscribe((value) => b.push(value));
  for (let i = 1; i <= 1000; i++) fanout.publish(i);
  assert.deepEqual(a, [1]);
  await until(() => a.length === 2 && b.length === 2);
  assert.deepEqual(a, [1, 1000]);
  assert.deepEqual(b, [1, 1000]);
  fanout.close();
});

test('a late subscriber gets the latest value at once', () => {
  const fanout = createLatestFanout<string>({ maxHz: 30 });
  fanout.publish('old');
  fanout.publish('new');
  const seen: string[] = [];
  fanout.subscribe((value) => seen.push(value));
  assert.deepEqual(seen, ['new']);
  assert.equal(fanout.latest(), 'new');
  fanout.close();
});

test('an unsubscribed listener gets nothing more, and a throwing listener does not stop the others', async () => {
  const errors: unknown[] = [];
  const fanout = createLatestFanout<number>({
    maxHz: 1000,
    onListenerError: (error) => errors.push(error),
  });
  const kept: number[] = [];
  const dropped: number[] = [];
  fanout.subscribe(() => {
    throw new Error('listener bug');
  });
  const unsubscribe = fanout.subscribe((value) => dropped.push(value));
  fanout.subscribe((value) => kept.push(value));
  fanout.publish(1);
  unsubscribe();
  fanout.publish(2);
  await until(() => kept.includes(2));
  assert.deepEqual(dropped, [1]);
  assert.ok(errors.length >= 1);
  fanout.close();
});

test('the same value is never delivered twice to a subscriber', async () => {
  const fanout = createLatestFanout<object>({ maxHz: 1000 });
  const value = { seq: 1 };
  const seen: object[] = [];
  fanout.subscribe((v) => seen.push(v));
  fanout.publish(value);
  fanout.publish(value);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(seen.length, 1);
  fanout.close();
});
