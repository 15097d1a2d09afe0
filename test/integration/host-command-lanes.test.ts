import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { CommandAck } from '../../shared/api.js';
import { createHost, type Host } from '../../main/host/host.js';
import { startHeadlessServer, type HeadlessServer } from '../../main/host/headless-server.js';
import { parseHostMessage } from '../../renderer/src/api/host-message.js';
import { captureLogger, FAKE_ENGINE_PATH, recordingFork, waitFor } from './host-helpers.js';

// A flood of ordinary commands on one WebSocket must never delay or refuse the kill
// switch, flatten or cancel all — on that connection or any other.
let dir: string;
let host: Host;
let server: HeadlessServer;
let sent: ReturnType<typeof recordingFork>['sent'];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lockstep-lanes-'));
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
  server = await startHeadlessServer({ host, uiDir: dir, port: 0, logger: captureLogger().logger });
});

after(async () => {
  await server.close();
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(): Promise<{ socket: WebSocket; acks: Map<number, CommandAck> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  const acks = new Map<number, CommandAck>();
  socket.on('message', (data) => {
    const parsed = parseHostMessage(data.toString());
    if (parsed.ok && parsed.message.kind === 'ack') acks.set(parsed.message.id, parsed.message.ack);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, acks };
}

const FLOOD = 10_000;

test('during a flood of 10,000 updateParams on one connection, kill switch, flatten and cancel all are all accepted and reach the engine at once', async () => {
  const flooder = await connect();
  const other = await connect();
  const send = (socket: WebSocket, id: number, command: unknown): void =>
    socket.send(JSON.stringify({ id, command }));
  for (let i = 1; i <= FLOOD; i++) {
    send(flooder.socket, i, {
      type: 'updateParams',
      patch: { imbalance_threshold: 0.2 + (i % 50) / 100 },
    });
    if (i === 2000)
      send(flooder.socket, 100_001, { type: 'setKillSwitch', on: true, reason: 'flood' });
    if (i === 4000) send(flooder.socket, 100_002, { type: 'cancelAll' });
    if (i === 6000) send(flooder.socket, 100_003, { type: 'flatten' });
    if (i === 8000)
      send(other.socket, 200_001, { type: 'setKillSwitch', on: true, reason: 'other window' });
  }
  await waitFor(
    'an ack for every command',
    () => flooder.acks.size === FLOOD + 3 && other.acks.size === 1,
    60_000,
  );
  for (const id of [100_001, 100_002, 100_003])
    assert.equal(flooder.acks.get(id)?.ok, true, JSON.stringify(flooder.acks.get(id)));
  assert.equal(other.acks.get(200_001)?.ok, true);

  // Ordinary commands beyond the allowance were refused with the reason, not queued.
  const refused = [...flooder.acks].filter(([id, ack]) => id <= FLOOD && !ack.ok);
  const accepted = FLOOD - refused.length;
  assert.ok(refused.length > 0, 'the flood was rate-limited');
  assert.ok(accepted >= 50, `the burst allowance was used (${accepted} accepted)`);
  const reason = refused[0]![1];
  assert.ok(
    !reason.ok &&
      /commands a second from this window|too many commands waiting/.test(reason.reason),
  );

  // The kill switch reached the engine ahead of the ordinary edits still waiting: at most
  // the few in flight (4) are sent between it and the edits before it.
  const commands = sent.flatMap((m) => (m.kind === 'command' ? [m.command] : []));
  const killAt = commands.findIndex((c) => c.type === 'setKillSwitch');
  assert.ok(killAt >= 0);
  await waitFor('a halted state', () => host.latestState()?.killSwitch.state === 'HALTED');
  console.log(
    `flood: ${FLOOD} updateParams, ${accepted} accepted, ${refused.length} refused by the rate limit; kill switch, cancel all, flatten and a second window's kill switch all ok; kill switch was engine command #${killAt + 1}`,
  );
  flooder.socket.close();
  other.socket.close();
});
