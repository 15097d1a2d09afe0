import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  createWsApi,
  RECONNECT_BACKOFF,
  wsUrlFor,
  type WebSocketLike,
  type WsLockstepApi,
} from '../../renderer/src/api/ws-api.js';
import { backoffDelayMs } from '../../shared/backoff.js';
import { parseHostMessage } from '../../renderer/src/api/host-message.js';
import type { EngineState } from '../../shared/api.js';
import { engineState } from './renderer-fixtures.js';

/** A host on 127.0.0.1:0 that records what clients send and lets the test answer. */
async function startHost() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const received: { id: number; command: { type: string } }[] = [];
  const waiters: (() => void)[] = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      received.push(JSON.parse(String(data)));
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `ws://127.0.0.1:${port}/ws?token=t`,
    received,
    /** Resolves once `count` messages in total have arrived. */
    async waitForMessages(count: number) {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received[count - 1];
    },
    broadcast(message: unknown) {
      for (const client of server.clients)
        client.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    dropAll() {
      for (const client of server.clients) client.terminate();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const nodeSocket = (url: string): WebSocketLike => new WebSocket(url) as unknown as WebSocketLike;

function nextConnection(api: WsLockstepApi, wanted: boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = api.onConnection((connected) => {
      if (connected === wanted) {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

test('the socket URL keeps the page host and its token', () => {
  assert.equal(
    wsUrlFor({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=a%2Bb&x=1' }),
    'ws://127.0.0.1:5173/ws?token=a%2Bb',
  );
  assert.equal(wsUrlFor({ protocol: 'https:', host: 'h', search: '' }), 'wss://h/ws?token=');
});

test('backoff doubles from 250 ms up to a 5 s ceiling, jitter only shortens', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 10, 50].map((n) => backoffDelayMs(RECONNECT_BACKOFF, n)),
    [250, 500, 1000, 2000, 4000, 5000, 5000, 5000],
  );
  assert.equal(backoffDelayMs(RECONNECT_BACKOFF, 3, 0.999), 2000 * (1 - 0.2 * 0.999));
  assert.ok(backoffDelayMs(RECONNECT_BACKOFF, 20, 0.5) <= RECONNECT_BACKOFF.maxMs);
});

test('commands travel as {id, command}; acks resolve the matching command; states reach listeners', async () => {
  const host = await startHost();
  const api = createWsApi({ url: host.url, createSocket: nodeSocket, backoff: () => 20 });
  try {
    await nextConnection(api, true);
    const subscribe = await host.waitForMessages(1);
    assert.deepEqual(
      subscribe.command,
      { type: 'subscribe' },
      'the client asks for state when it connects',
    );
    const states: EngineState[] = [];
    api.onState((state) => states.push(state));
    const first = api.send({ type: 'setKillSwitch', on: true, reason: 'test' });
    const second = api.send({ type: 'cancelAll' });
    const [a, b] = [await host.waitForMessages(2), await host.waitForMessages(3)];
    assert.deepEqual(a.command, { type: 'setKillSwitch', on: true, reason: 'test' });
    assert.notEqual(a.id, b.id);
    // Answered out of order: each ack finds its own command.
    host.broadcast({ kind: 'ack', id: b.id, ack: { ok: false, reason: 'nothing to cancel' } });
    host.broadcast({ kind: 'ack', id: a.id, ack: { ok: true } });
    assert.deepEqual(await first, { ok: true });
    assert.deepEqual(await second, { ok: false, reason: 'nothing to cancel' });
    host.broadcast({ kind: 'state', state: engineState({ seq: 7 }) });
    while (states.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(states[0].seq, 7);
  } finally {
    api.close();
    await host.close();
  }
});

test('malformed host messages are reported and dropped; the connection keeps working', async () => {
  const host = await startHost();
  const problems: string[] = [];
  const api = createWsApi({
    url: host.url,
    createSocket: nodeSocket,
    onProtocolError: (p) => problems.push(p),
  });
  try {
    await nextConnection(api, true);
    await host.waitForMessages(1);
    const states: EngineState[] = [];
    api.onState((state) => states.push(state));
    host.broadcast('{oops');
    host.broadcast({ kind: 'state', state: { seq: 'x' } });
    host.broadcast({ kind: 'weather' });
    host.broadcast({ kind: 'state', state: engineState({ seq: 3 }) });
    while (states.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(states.length, 1);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /not JSON/);
    assert.match(problems[1], /state\.seq is not a number/);
    assert.match(problems[2], /unknown kind "weather"/);
  } finally {
    api.close();
    await host.close();
  }
});

test('a dropped socket refuses waiting commands, reports disconnected, and reconnects', async () => {
  const host = await startHost();
  const api = createWsApi({ url: host.url, createSocket: nodeSocket, backoff: () => 30 });
  try {
    await nextConnection(api, true);
    await host.waitForMessages(1);
    const waiting = api.send({ type: 'flatten' });
    await host.waitForMessages(2);
    const down = nextConnection(api, false);
    host.dropAll();
    await down;
    const ack = await waiting;
    assert.equal(ack.ok, false);
    assert.match(!ack.ok ? ack.reason : '', /connection to the engine host was lost/);
    const whileDown = await api.send({ type: 'cancelAll' });
    assert.equal(
      whileDown.ok,
      false,
      'a command while disconnected is refused at once, not queued',
    );
    await nextConnection(api, true);
    const resubscribe = await host.waitForMessages(3);
    assert.equal(resubscribe.command.type, 'subscribe');
    assert.ok(resubscribe.id > 2, 'ids are never reused across connections');
  } finally {
    api.close();
    await host.close();
  }
});

test('a host that never answers turns into a refusal after the ack timeout', async () => {
  const host = await startHost();
  const api = createWsApi({ url: host.url, createSocket: nodeSocket, ackTimeoutMs: 50 });
  try {
    await nextConnection(api, true);
    const ack = await api.send({ type: 'cancelOrder', orderId: 4 });
    assert.deepEqual(ack, {
      ok: false,
      reason: 'no acknowledgement from the engine host within 0.05 s',
    });
  } finally {
    api.close();
    await host.close();
  }
});

test('a host that is not there yet is retried until it appears', async () => {
  const probe = await startHost();
  const url = probe.url;
  const port = probe.port;
  await probe.close();
  let attempts = 0;
  const api = createWsApi({
    url,
    createSocket: (u) => {
      attempts++;
      return nodeSocket(u);
    },
    backoff: () => 20,
  });
  try {
    while (attempts < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(api.connected, false);
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    try {
      await nextConnection(api, true);
      assert.equal(api.connected, true);
    } finally {
      api.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    api.close();
  }
});

test('host messages are checked down to the fields the window indexes', () => {
  const good = parseHostMessage(JSON.stringify({ kind: 'state', state: engineState() }));
  assert.equal(good.ok, true);
  const noBooks = { ...engineState(), books: [{ symbol: 'BTCUSDT' }] };
  const bad = parseHostMessage(JSON.stringify({ kind: 'state', state: noBooks }));
  assert.deepEqual(bad, {
    ok: false,
    reason: 'host state message refused: state.books holds an entry without symbol, bids and asks',
  });
  const kill = { ...engineState(), killSwitch: { state: 'OFF' } };
  assert.match(
    (parseHostMessage(JSON.stringify({ kind: 'state', state: kill })) as { reason: string }).reason,
    /not ACTIVE, REDUCING or HALTED/,
  );
  const unsure = { ...engineState(), killSwitch: { ...engineState().killSwitch, settled: 'yes' } };
  assert.equal(
    (parseHostMessage(JSON.stringify({ kind: 'state', state: unsure })) as { reason: string })
      .reason,
    'host state message refused: state.killSwitch.settled is not a boolean',
  );
  assert.equal(
    parseHostMessage('{"kind":"ack","id":1,"ack":{"ok":false}}').ok,
    false,
    'a refusal must carry its reason',
  );
  assert.equal(parseHostMessage('{"kind":"ack","id":1,"ack":{"ok":true}}').ok, true);
  assert.equal(parseHostMessage('{"kind":"config"}').ok, false);
});
