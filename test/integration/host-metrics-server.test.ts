import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startMetricsServer } from '../../main/engine/metrics/metrics-server.js';
import { formatPrometheusFloat, histogramText } from '../../main/engine/metrics/histogram-text.js';
import {
  cumulativeFromLatencyHistogram,
  type MetricsSnapshot,
} from '../../main/engine/metrics/metrics-source.js';
import { LatencyHistogram } from '../../main/engine/core/histogram.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** A strict reader of the Prometheus text format: every line is HELP, TYPE, blank, or a sample. */
function parseExposition(text: string): {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: Sample[];
} {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let match = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (match) {
      help.set(match[1]!, match[2]!);
      continue;
    }
    match = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(
      line,
    );
    if (match) {
      type.set(match[1]!, match[2]!);
      continue;
    }
    match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `not a valid exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(pair);
      assert.ok(labelMatch, `bad label ${pair}`);
      labels[labelMatch[1]!] = labelMatch[2]!;
    }
    const raw = match[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    assert.ok(!Number.isNaN(value) || raw === 'NaN', `bad value ${raw}`);
    samples.push({ name: match[1]!, labels, value });
  }
  return { help, type, samples };
}

function get(
  url: string,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

function liveSource() {
  const histogram = new LatencyHistogram();
  let updates = 0;
  const snapshot = (): MetricsSnapshot => ({
    marketUpdates: updates,
    signalsGenerated: 7,
    ordersSubmitted: 3,
    tickToTrade: cumulativeFromLatencyHistogram(histogram),
    pnlTotal: -12.5,
    positions: [
      { symbol: 'BTCUSDT', size: 0.25 },
      { symbol: 'ETHUSDT', size: -1.5 },
    ],
    channelUtilization: [
      { channel: 'market', ratio: 0.125 },
      { channel: 'orders', ratio: 0 },
    ],
    tradingState: 2,
  });
  return { histogram, source: { read: snapshot }, bump: (n: number) => (updates += n) };
}

const EXPECTED_TYPES: Record<string, string> = {
  strategy_market_updates_total: 'counter',
  strategy_signals_generated_total: 'counter',
  strategy_orders_submitted_total: 'counter',
  strategy_tick_to_trade_duration_seconds: 'histogram',
  strategy_pnl_total: 'gauge',
  strategy_position_size: 'gauge',
  strategy_channel_utilization_ratio: 'gauge',
  strategy_trading_state: 'gauge',
};

test('the /metrics response has exactly the DESIGN.md §9 names, HELP and TYPE lines, and the histogram buckets', async () => {
  const { histogram, source, bump } = liveSource();
  // 0.5 µs, 3 µs, 3 µs, 15 µs, 40 µs, 1 ms: one in each interesting bucket, one above all.
  for (const ns of [500, 3000, 3000, 15_000, 40_000, 1_000_000]) histogram.record(ns);
  bump(41);
  const server = await startMetricsServer(0, source);
  try {
    assert.ok(server.port > 0);
    const response = await get(server.url);
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const { help, type, samples } = parseExposition(response.body);

    assert.deepEqual(Object.fromEntries(type), EXPECTED_TYPES);
    assert.deepEqual([...help.keys()].sort(), Object.keys(EXPECTED_TYPES).sort());
    for (const text of help.values()) assert.ok(text.length > 10);
    const familyOf = (name: string): string => name.replace(/_(bucket|sum|count)$/, '');
    for (const sample of samples) {
      assert.ok(
        EXPECTED_TYPES[sample.name] ?? EXPECTED_TYPES[familyOf(sample.name)],
        `unexpected metric ${sample.name}`,
      );
    }

    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))
        ?.value;
    assert.equal(value('strategy_market_updates_total'), 41);
    assert.equal(value('strategy_signals_generated_total'), 7);
    assert.equal(value('strategy_orders_submitted_total'), 3);
    assert.equal(value('strategy_pnl_total'), -12.5);
    assert.equal(value('strategy_position_size', { symbol: 'BTCUSDT' }), 0.25);
    assert.equal(value('strategy_position_size', { symbol: 'ETHUSDT' }), -1.5);
    assert.equal(value('strategy_channel_utilization_ratio', { channel: 'market' }), 0.125);
    assert.equal(value('strategy_channel_utilization_ratio', { channel: 'orders' }), 0);
    assert.equal(value('strategy_trading_state'), 2, 'HALTED is 2');

    const buckets = samples.filter(
      (s) => s.name === 'strategy_tick_to_trade_duration_seconds_bucket',
    );
    assert.deepEqual(
      buckets.map((b) => b.labels.le),
      ['1e-06', '5e-06', '1e-05', '2e-05', '5e-05', '0.0001', '+Inf'],
    );
    assert.deepEqual(
      buckets.map((b) => Number(b.labels.le === '+Inf' ? Infinity : b.labels.le)),
      [1e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, Infinity],
    );
    assert.deepEqual(
      buckets.map((b) => b.value),
      [1, 3, 3, 4, 5, 5, 6],
    );
    assert.equal(value('strategy_tick_to_trade_duration_seconds_count'), 6);
    const sum = value('strategy_tick_to_trade_duration_seconds_sum')!;
    assert.ok(Math.abs(sum - 0.0010615) < 1e-9, `sum ${sum}`);

    // Values are read at scrape time.
    bump(9);
    const again = parseExposition((await get(server.url)).body);
    assert.equal(again.samples.find((s) => s.name === 'strategy_market_updates_total')?.value, 50);
  } finally {
    await server.close();
  }
});

/** One raw HTTP/1.1 request with exactly the Host header given, as a DNS-rebinding page would send. */
function rawGet(port: number, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(`GET /metrics HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', reject);
  });
}

test('only Host 127.0.0.1:<port> and localhost:<port> are answered: a rebinding page gets a 403 and no PnL', async () => {
  const { source } = liveSource();
  const server = await startMetricsServer(0, source);
  try {
    const port = server.port;
    for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const ok = await rawGet(port, own);
      assert.equal(ok.status, 200, own);
      assert.match(ok.body, /strategy_pnl_total/);
    }
    for (const foreign of [
      `evil.example:${port}`,
      'evil.example',
      '127.0.0.1',
      `127.0.0.1:${port + 1}`,
      `127.0.0.1.evil.example:${port}`,
      `[::1]:${port}`,
    ]) {
      const refused = await rawGet(port, foreign);
      assert.equal(refused.status, 403, foreign);
      assert.doesNotMatch(refused.body, /strategy_/, `${foreign} must not see metrics`);
    }
  } finally {
    await server.close();
  }
});

test('other paths are 404, other methods 405, and a failing source gives a 500 with the reason', async () => {
  let fail = false;
  const { source } = liveSource();
  const errors: unknown[] = [];
  const server = await startMetricsServer(
    0,
    {
      read: () => {
        if (fail) throw new Error('control block not mapped');
        return source.read();
      },
    },
    { onError: (error) => errors.push(error) },
  );
  try {
    assert.equal((await get(`http://127.0.0.1:${server.port}/`)).status, 404);
    assert.equal((await get(server.url, 'POST')).status, 405);
    fail = true;
    const failed = await get(server.url);
    assert.equal(failed.status, 500);
    assert.match(failed.body, /control block not mapped/);
    assert.equal(errors.length, 1);
    fail = false;
    assert.equal((await get(server.url)).status, 200, 'the next scrape works again');
  } finally {
    await server.close();
  }
});

test('a port in use is refused with a sentence that names the config key', async () => {
  const { source } = liveSource();
  const first = await startMetricsServer(0, source);
  try {
    await assert.rejects(
      startMetricsServer(first.port, source),
      /metrics\.port \d+ is already in use/,
    );
  } finally {
    await first.close();
  }
});

test('counts read a record apart still give a valid, monotone histogram', () => {
  const text = histogramText({
    name: 'h',
    help: 'x',
    bounds: [1, 2, 3],
    cumulativeCounts: [2, 1, Number.NaN],
    sum: 4,
    count: 1,
  });
  const { samples } = parseExposition(text);
  assert.deepEqual(
    samples.map((s) => s.value),
    [2, 2, 2, 2, 4, 2],
  );
  assert.throws(
    () =>
      histogramText({
        name: 'h',
        help: 'x',
        bounds: [1, 2],
        cumulativeCounts: [1],
        sum: 0,
        count: 1,
      }),
    /1 bucket counts for 2 bounds/,
  );
});

test('floats are printed as Prometheus clients print them', () => {
  assert.deepEqual(
    [1e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 0.5, 0, 12.25, 1e21, Infinity, -Infinity].map(
      formatPrometheusFloat,
    ),
    [
      '1e-06',
      '5e-06',
      '1e-05',
      '2e-05',
      '5e-05',
      '0.0001',
      '0.5',
      '0',
      '12.25',
      '1e+21',
      '+Inf',
      '-Inf',
    ],
  );
});
