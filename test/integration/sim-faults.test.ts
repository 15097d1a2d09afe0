import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../main/sim/start-simulator.js';
import {
  connect,
  getJson,
  sleep,
  waitFor,
  type DepthDiff,
  type TestClient,
} from './sim-helpers.js';

/** Bare diffs of a raw `/ws/<symbol>@depth@100ms` connection (unparseable ones skipped). */
function diffs(client: TestClient): DepthDiff[] {
  const out: DepthDiff[] = [];
  for (const text of client.messages) {
    try {
      out.push(JSON.parse(text) as DepthDiff);
    } catch {
      // a malformed frame: counted by the tests that look for it
    }
  }
  return out;
}

async function withSim(
  faults: string,
  body: (sim: Awaited<ReturnType<typeof startSimulator>>, client: TestClient) => Promise<void>,
  stream = 'btcusdt@depth@100ms',
): Promise<void> {
  const sim = await startSimulator({ port: 0, seed: 31, symbols: ['BTCUSDT'], rate: 50, faults });
  const client = connect(`${sim.url}/ws/${stream}`);
  try {
    await client.opened;
    await body(sim, client);
  } finally {
    client.ws.terminate();
    await sim.close();
  }
}

test('drop: a client sees U jump past the previous u + 1 (a gap)', async () => {
  await withSim('drop=0.2', async (sim, client) => {
    const gaps = () => diffs(client).filter((d, i, all) => i > 0 && d.U > all[i - 1]!.u + 1).length;
    await waitFor('two gaps', () => gaps() >= 2);
    assert.ok(sim.stats().faults.dropped >= 2);
  });
});

test('dup: a client receives the same frame twice in a row', async () => {
  await withSim('dup=0.2', async (sim, client) => {
    await waitFor('a duplicate', () =>
      client.messages.some((m, i) => i > 0 && m === client.messages[i - 1]),
    );
    assert.ok(sim.stats().faults.duplicated >= 1);
  });
});

test('reorder: a client receives a diff after its successor', async () => {
  await withSim('reorder=0.2', async (sim, client) => {
    await waitFor('a diff older than the one before it', () =>
      diffs(client).some((d, i, all) => i > 0 && d.u < all[i - 1]!.U),
    );
    assert.ok(sim.stats().faults.reordered >= 1);
  });
});

test('malformed: a client receives torn JSON and frames with an unparseable number', async () => {
  await withSim('malformed=0.3', async (sim, client) => {
    const torn = () => client.messages.filter((m) => !isJson(m)).length;
    const badNumber = () =>
      client.messages.filter((m) => isJson(m) && /"\d+\.\d*x\d*"/.test(m)).length;
    await waitFor('both kinds of corruption', () => torn() >= 1 && badNumber() >= 1);
    assert.ok(sim.stats().faults.malformed >= 2);
  });
});

test('disconnect: the server cuts each connection that long after it opened, without a close frame', async () => {
  await withSim('disconnect=400ms', async (_sim, client) => {
    const opened = performance.now();
    const closed = await client.closed;
    assert.equal(closed.code, 1006, 'abnormal closure: no close frame');
    assert.ok(performance.now() - opened >= 350);
    assert.ok(client.messages.length > 0, 'data flowed before the cut');
  });
});

test('silence: no frames for the window, then the stream resumes past a gap on a connection that stayed up', async () => {
  await withSim('silence=800ms@400ms', async (sim, client) => {
    await waitFor(
      'frames after the silence',
      () =>
        sim.stats().faults.silenced > 0 &&
        client.messages.length > 0 &&
        diffs(client).some((d, i, all) => i > 0 && d.U > all[i - 1]!.u + 1),
    );
    const quiet = client.arrivals.reduce(
      (longest, t, i) => (i > 0 ? Math.max(longest, t - client.arrivals[i - 1]!) : longest),
      0,
    );
    assert.ok(quiet >= 700, `longest quiet stretch ${quiet.toFixed(0)} ms`);
    assert.ok(client.isOpen(), 'the connection itself stays up');
  });
});

test('slow_snapshot: the REST answer comes that late, and is older than diffs sent meanwhile', async () => {
  await withSim('slow_snapshot=500ms', async (sim, client) => {
    await waitFor('the stream', () => client.messages.length > 0);
    const asked = performance.now();
    const { status, body } = await getJson(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=5000`);
    assert.equal(status, 200);
    assert.ok(performance.now() - asked >= 490, 'answered no earlier than the delay');
    const lastUpdateId = (body as { lastUpdateId: number }).lastUpdateId;
    const newest = diffs(client).at(-1)!;
    assert.ok(
      newest.u > lastUpdateId,
      'diffs newer than the snapshot arrived while it was delayed',
    );
  });
});

test('rest_error: depth requests fail with HTTP 500 and code -1001; setFaults lifts it', async () => {
  await withSim('rest_error=1', async (sim) => {
    const failed = await getJson(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`);
    assert.equal(failed.status, 500);
    assert.equal((failed.body as { code: number }).code, -1001);
    sim.setFaults('');
    assert.equal((await getJson(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`)).status, 200);
  });
});

test('setFaults: lifting drop mid-run stops the gaps', async () => {
  await withSim('drop=0.5', async (sim, client) => {
    await waitFor('a gap', () => sim.stats().faults.dropped > 0);
    sim.setFaults('none');
    const dropped = sim.stats().faults.dropped;
    const from = client.messages.length;
    await sleep(400);
    const after = diffs({ ...client, messages: client.messages.slice(from + 1) });
    assert.ok(after.length >= 5);
    assert.ok(
      after.every((d, i) => i === 0 || d.U === after[i - 1]!.u + 1),
      'contiguous once the fault is lifted',
    );
    assert.equal(sim.stats().faults.dropped, dropped);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
