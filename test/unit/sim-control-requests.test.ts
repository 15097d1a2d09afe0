import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  answerControlMessage,
  MAX_STREAMS_PER_CONNECTION,
  type ControlTarget,
} from '../../main/sim/control-requests.js';
import { checkStreamName } from '../../main/sim/stream-names.js';

function target(combined = true): ControlTarget & { streams: Set<string> } {
  const streams = new Set<string>();
  return {
    combined,
    streams,
    subscribe: (s) => void streams.add(s),
    unsubscribe: (s) => void streams.delete(s),
  };
}

const ask = (t: ControlTarget, request: unknown): unknown =>
  JSON.parse(
    answerControlMessage(typeof request === 'string' ? request : JSON.stringify(request), t, (s) =>
      checkStreamName(s),
    ),
  );

test('SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE answer as Binance does', () => {
  const t = target();
  assert.deepEqual(
    ask(t, { method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'btcusdt@trade'], id: 1 }),
    { result: null, id: 1 },
  );
  assert.deepEqual(ask(t, { method: 'LIST_SUBSCRIPTIONS', id: 3 }), {
    result: ['btcusdt@depth@100ms', 'btcusdt@trade'],
    id: 3,
  });
  assert.deepEqual(ask(t, { method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 312 }), {
    result: null,
    id: 312,
  });
  assert.deepEqual(ask(t, { method: 'LIST_SUBSCRIPTIONS', id: 'abc' }), {
    result: ['btcusdt@depth@100ms'],
    id: 'abc',
  });
});

test('SET_PROPERTY / GET_PROPERTY switch and read the combined property', () => {
  const t = target(false);
  assert.deepEqual(ask(t, { method: 'GET_PROPERTY', params: ['combined'], id: 2 }), {
    result: false,
    id: 2,
  });
  assert.deepEqual(ask(t, { method: 'SET_PROPERTY', params: ['combined', true], id: 5 }), {
    result: null,
    id: 5,
  });
  assert.equal(t.combined, true);
  assert.deepEqual(ask(t, { method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 6 }), {
    code: 1,
    msg: 'Invalid value type: expected Boolean',
    id: 6,
  });
  assert.deepEqual(ask(t, { method: 'SET_PROPERTY', params: ['colour', true], id: 7 }), {
    code: 0,
    msg: 'Unknown property',
    id: 7,
  });
  assert.deepEqual(ask(t, { method: 'GET_PROPERTY', params: [42], id: 8 }), {
    code: 2,
    msg: 'Invalid request: property name must be a string',
    id: 8,
  });
  assert.equal(t.combined, true, 'refused requests change nothing');
});

test('bad requests get Binance error codes and change no subscription', () => {
  const t = target();
  const truncated = ask(t, '{"method": "SUBSCRIBE",') as {
    code: number;
    msg: string;
    id?: unknown;
  };
  assert.equal(truncated.code, 3);
  assert.match(truncated.msg, /^Invalid JSON: /);
  assert.equal(truncated.id, undefined, 'no id can be read from broken JSON');
  assert.deepEqual(ask(t, { method: 'SUBSCRIBE', params: ['btcusdt@trade'] }), {
    code: 2,
    msg: 'Invalid request: request ID must be an unsigned integer',
  });
  assert.deepEqual(ask(t, { method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1.5 }), {
    code: 2,
    msg: 'Invalid request: request ID must be an unsigned integer',
  });
  assert.deepEqual(ask(t, { params: [], id: 9 }), {
    code: 2,
    msg: 'Invalid request: missing field `method`',
    id: 9,
  });
  assert.match(
    (ask(t, { method: 'SUBSCRIB', params: [], id: 9 }) as { msg: string }).msg,
    /unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`/,
  );
  assert.deepEqual(ask(t, { method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 4 }), {
    code: 2,
    msg: 'Invalid request: params must be an array of stream names',
    id: 4,
  });
  assert.match(
    (ask(t, { method: 'SUBSCRIBE', params: ['BTCUSDT@trade'], id: 4 }) as { msg: string }).msg,
    /invalid stream name "BTCUSDT@trade"/,
  );
  assert.match(
    (
      ask(t, { method: 'SUBSCRIBE', params: ['btcusdt@trade', 'btcusdt@kline_1m'], id: 4 }) as {
        msg: string;
      }
    ).msg,
    /does not serve "btcusdt@kline_1m"/,
  );
  assert.deepEqual(ask(t, { method: 'LIST_SUBSCRIPTIONS', params: ['x'], id: 10 }), {
    code: 2,
    msg: 'Invalid request: too many parameters',
    id: 10,
  });
  assert.equal(t.streams.size, 0, 'a request with one bad stream subscribes to none of them');
});

test('a connection listens to at most 1024 streams', () => {
  const t = target();
  const streams = Array.from(
    { length: MAX_STREAMS_PER_CONNECTION },
    (_, i) => `s${String(i).padStart(4, '0')}usdt@trade`,
  );
  assert.deepEqual(ask(t, { method: 'SUBSCRIBE', params: streams, id: 1 }), {
    result: null,
    id: 1,
  });
  assert.match(
    (ask(t, { method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 2 }) as { msg: string }).msg,
    /at most 1024 streams/,
  );
  assert.equal(t.streams.size, MAX_STREAMS_PER_CONNECTION);
});
