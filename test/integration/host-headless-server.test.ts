import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { EngineState, HostMessage } from '../../shared/api.js';
import { createHost, type Host } from '../../main/host/host.js';
import { startHeadlessServer, type HeadlessServer } from '../../main/host/headless-server.js';
import { parseHostMessage } from '../../renderer/src/api/host-message.js';
import { createWsApi, type WebSocketLike } from '../../renderer/src/api/ws-api.js';
import { captureLogger, FAKE_ENGINE_PATH, recordingFork, waitFor } from './host-helpers.js';
import { makeTempDir } from '../temp-dirs.js';

let host: Host;
let server: HeadlessServer;
let uiDir: string;
let sent: ReturnType<typeof recordingFork>['sent'];

before(async () => {
  const dir = makeTempDir('lockstep-headless-');
  uiDir = path.join(dir, 'ui');
  mkdirSync(path.join(uiDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(uiDir, 'index.html'),
    '<!doctype html><title>Lockstep</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(path.join(uiDir, 'assets', 'app.js'), 'console.log("ui");');
  writeFileSync(path.join(uiDir, 'other.html'), '<script>alert(1)</script>');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the UI folder');
  const recording = recordingFork();
  sent = recording.sent;
  host = createHost({
    fork: recording.fork,
    enginePath: FAKE_ENGINE_PATH,
    configPath: path.join(dir, 'lockstep.toml'),
    dataDir: path.join(dir, 'data'),
    logger: captureLogger().logger,
  });
  await host.start();
  server = await startHeadlessServer({ host, uiDir, port: 0, logger: captureLogger().logger });
});

after(async () => {
  await server.close();
  await host.stop();
});

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(
  pathAndQuery: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathAndQuery,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const pageOrigin = (): string => `http://127.0.0.1:${server.port}`;

/** Opens a socket; resolves with it once open, or with the HTTP status that refused it. */
function connect(
  query: string,
  origin?: string,
): Promise<{ socket: WebSocket; messages: HostMessage[] } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      `ws://127.0.0.1:${server.port}/ws${query}`,
      origin ? { origin } : {},
    );
    const messages: HostMessage[] = [];
    socket.on('message', (data) => {
      const parsed = parseHostMessage(data.toString());
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
      messages.push(parsed.message);
    });
    socket.on('open', () => resolve({ socket, messages }));
    socket.on('unexpected-response', (_request, response) => {
      resolve({ refused: response.statusCode ?? 0 });
      response.resume();
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

const closed = (socket: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

test('the page needs the token: none → 401, wrong → 401, right → the page with a strict CSP', async () => {
  const none = await request('/');
  assert.equal(none.status, 401);
  assert.match(none.body, /access token/);
  assert.equal((await request('/?token=nope')).status, 401);
  assert.equal((await request(`/?token=${server.token.slice(0, -1)}x`)).status, 401);
  assert.equal((await request('/index.html')).status, 401);

  const page = await request(`/?token=${server.token}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Lockstep<\/title>/);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  const csp = String(page.headers['content-security-policy']);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${server.port}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ]) {
    assert.ok(csp.split('; ').includes(directive), `CSP lacks "${directive}": ${csp}`);
  }
  assert.ok(!/unsafe-eval/.test(csp));
  assert.ok(!/script-src[^;]*unsafe-inline/.test(csp));
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(page.headers['cache-control'], 'no-store');
});

test('the token in the URL is 32 random bytes', () => {
  assert.equal(Buffer.from(server.token, 'base64url').length, 32);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${server.token}`);
});

test('static assets are served without the token; other HTML and anything outside the UI folder are not', async () => {
  const asset = await request('/assets/app.js');
  assert.equal(asset.status, 200);
  assert.match(String(asset.headers['content-type']), /^text\/javascript/);
  assert.equal(asset.headers['x-content-type-options'], 'nosniff');
  assert.equal((await request('/other.html')).status, 404);
  assert.equal((await request('/assets/../../secret.txt')).status, 404);
  assert.equal((await request('/assets/%2e%2e/%2e%2e/secret.txt')).status, 404);
  assert.equal((await request('/assets/..%2f..%2fsecret.txt')).status, 404);
  assert.equal((await request('/assets/%00')).status, 404);
  assert.equal((await request('/assets/missing.js')).status, 404);
});

test('a foreign Host header (DNS rebinding) and non-GET methods are refused', async () => {
  assert.equal(
    (await request(`/?token=${server.token}`, { headers: { Host: `evil.example:${server.port}` } }))
      .status,
    403,
  );
  assert.equal((await request('/', { method: 'POST' })).status, 405);
  const viaLocalhost = await request(`/?token=${server.token}`, {
    headers: { Host: `localhost:${server.port}` },
  });
  assert.equal(viaLocalhost.status, 200);
  assert.match(
    String(viaLocalhost.headers['content-security-policy']),
    new RegExp(`connect-src 'self' ws://localhost:${server.port}`),
  );
});

test('WebSocket: no token → 401, wrong token → 401, wrong Origin → 403, wrong path → 404', async () => {
  assert.deepEqual(await connect(''), { refused: 401 });
  assert.deepEqual(await connect('?token=wrong'), { refused: 401 });
  assert.deepEqual(await connect(`?token=${server.token}`, 'http://evil.example'), {
    refused: 403,
  });
  assert.deepEqual(await connect(`?token=${server.token}`, `http://127.0.0.1:${server.port + 1}`), {
    refused: 403,
  });
  const wrongPath = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/other?token=${server.token}`);
    socket.on('unexpected-response', (_req, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => undefined);
  });
  assert.equal(wrongPath, 404);
});

test('WebSocket with the right token and Origin: config, then state, commands acked, state follows', async () => {
  const opened = await connect(`?token=${server.token}`, pageOrigin());
  assert.ok('socket' in opened);
  const { socket, messages } = opened;
  await waitFor('config and a state', () => messages.some((m) => m.kind === 'state'));
  assert.equal(messages[0]!.kind, 'config');
  assert.ok(
    messages[0]!.kind === 'config' && messages[0]!.config.strategy.symbols[0] === 'BTCUSDT',
  );

  socket.send(
    JSON.stringify({
      id: 41,
      command: { type: 'setKillSwitch', on: true, reason: 'from the browser' },
    }),
  );
  const ack = await waitFor('the ack', () => messages.find((m) => m.kind === 'ack' && m.id === 41));
  assert.deepEqual(ack, { kind: 'ack', id: 41, ack: { ok: true } });
  await waitFor('a halted state', () =>
    messages.some(
      (m) =>
        m.kind === 'state' &&
        m.state.killSwitch.state === 'HALTED' &&
        m.state.killSwitch.reason === 'from the browser',
    ),
  );
  // Re-arm so other tests start from ACTIVE.
  socket.send(
    JSON.stringify({ id: 42, command: { type: 'setKillSwitch', on: false, reason: 'reviewed' } }),
  );
  await waitFor('the re-arm ack', () => messages.find((m) => m.kind === 'ack' && m.id === 42));

  const before = messages.length;
  socket.send(JSON.stringify({ id: 43, command: { type: 'subscribe' } }));
  await waitFor('subscribe ack then a state', () => {
    const rest = messages.slice(before);
    const ackAt = rest.findIndex((m) => m.kind === 'ack' && m.id === 43);
    return ackAt >= 0 && rest.slice(ackAt).some((m) => m.kind === 'state');
  });

  // Latest-only delivery never sends an older snapshot after a newer one.
  const seqs = messages
    .filter((m): m is Extract<HostMessage, { kind: 'state' }> => m.kind === 'state')
    .map((m) => m.state.seq);
  for (let i = 1; i < seqs.length; i++)
    assert.ok(seqs[i]! >= seqs[i - 1]!, `seq went back: ${seqs.join(',')}`);
  socket.close();
});

test('WebSocket bad input: a bad command gets a refusal ack; non-JSON, binary and id-less envelopes close with a reason', async () => {
  const commandsBefore = sent.filter((m) => m.kind === 'command').length;
  const opened = await connect(`?token=${server.token}`, pageOrigin());
  assert.ok('socket' in opened);
  opened.socket.send(
    JSON.stringify({
      id: 7,
      command: { type: 'updateParams', patch: { imbalance_threshold: 'NaN' } },
    }),
  );
  opened.socket.send(JSON.stringify({ id: 8, command: { type: 'cancelAll' }, extra: true }));
  const refused = await waitFor('two refusals', () => {
    const acks = opened.messages.filter((m) => m.kind === 'ack');
    return acks.length === 2 ? acks : undefined;
  });
  for (const message of refused) {
    assert.ok(message.kind === 'ack' && !message.ack.ok);
    assert.ok(
      message.kind === 'ack' && !message.ack.ok && /^invalid command/.test(message.ack.reason),
    );
  }
  assert.equal(
    sent.filter((m) => m.kind === 'command').length,
    commandsBefore,
    'nothing reached the engine',
  );
  const stillOpen = opened.socket.readyState === WebSocket.OPEN;
  assert.ok(stillOpen, 'a refused command does not close the socket');

  const closeCodes: Array<{ code: number; reason: string }> = [];
  for (const payload of [
    'not json',
    Buffer.from([1, 2, 3]),
    JSON.stringify({ command: { type: 'cancelAll' } }),
  ]) {
    const next = await connect(`?token=${server.token}`, pageOrigin());
    assert.ok('socket' in next);
    const done = closed(next.socket);
    next.socket.send(payload, { binary: Buffer.isBuffer(payload) });
    closeCodes.push(await done);
  }
  assert.equal(closeCodes[0]!.code, 1007);
  assert.match(closeCodes[0]!.reason, /JSON/);
  assert.equal(closeCodes[1]!.code, 1003);
  assert.equal(closeCodes[2]!.code, 1008);
  assert.match(closeCodes[2]!.reason, /id/);
  opened.socket.close();
});

test('an oversized message is refused by closing the socket (1009)', async () => {
  const opened = await connect(`?token=${server.token}`, pageOrigin());
  assert.ok('socket' in opened);
  const done = closed(opened.socket);
  opened.socket.send(
    JSON.stringify({
      id: 1,
      command: { type: 'setKillSwitch', on: true, reason: 'x'.repeat(70_000) },
    }),
  );
  assert.equal((await done).code, 1009);
});

test("the renderer's own WebSocket client talks to this server: state arrives and commands are acknowledged", async () => {
  const api = createWsApi({
    url: `ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(server.token)}`,
    createSocket: (url) => new WebSocket(url, { origin: pageOrigin() }) as unknown as WebSocketLike,
    onProtocolError: (reason) => assert.fail(`protocol error: ${reason}`),
  });
  try {
    const states: EngineState[] = [];
    api.onState((state) => states.push(state));
    await waitFor('connected and a state', () => api.connected && states.length > 0);
    assert.deepEqual(await api.send({ type: 'flatten', symbol: 'BTCUSDT' }), { ok: true });
    const refused = await api.send({ type: 'updateRiskLimits', patch: { max_order_size: 99 } });
    assert.ok(!refused.ok && /max_order_size/.test(refused.reason));
  } finally {
    api.close();
  }
});

test('a busy port is refused with a sentence that says what to do', async () => {
  await assert.rejects(
    startHeadlessServer({ host, uiDir, port: server.port, logger: captureLogger().logger }),
    new RegExp(`port ${server.port} is already in use on 127\\.0\\.0\\.1; pass --port 0`),
  );
});

test('an unbuilt UI gives a 503 that says how to build it', async () => {
  const empty = makeTempDir('lockstep-noui-');
  const bare = await startHeadlessServer({
    host,
    uiDir: empty,
    port: 0,
    logger: captureLogger().logger,
    token: 't'.repeat(43),
  });
  try {
    const reply = await new Promise<Reply>((resolve, reject) => {
      http
        .get(`${bare.url}`, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
          );
        })
        .on('error', reject);
    });
    assert.equal(reply.status, 503);
    assert.match(reply.body, /npm run build/);
  } finally {
    await bare.close();
  }
});
