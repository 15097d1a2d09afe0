import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecordingLine, symbolOfStream } from '../../main/engine/recording/recording-line.js';
import { readRecording } from '../../main/engine/recording/recording-reader.js';
import { RecordingWriter } from '../../main/engine/recording/recording-writer.js';
import { splitCombinedFrame } from '../../main/engine/recording/json-extract.js';

const DATA =
  '{"e":"trade","E":1,"s":"BTCUSDT","t":5,"p":"1.00","q":"2","T":1,"m":true,"M":true,"x":"a}b\\"c"}';

test("a frame line hands on the payload text byte for byte, in the writer's layout or any other", () => {
  const own = parseRecordingLine(
    `{"ts":1723161253937085,"stream":"btcusdt@trade","data":${DATA}}`,
    3,
  );
  assert.deepEqual(own, {
    lineNo: 3,
    kind: 'frame',
    tsUs: 1723161253937085,
    stream: 'btcusdt@trade',
    data: DATA,
  });
  const reordered = parseRecordingLine(
    `{ "data": ${DATA}, "stream": "btcusdt@trade", "ts": 7 }`,
    4,
  );
  assert.equal(reordered.kind, 'frame');
  assert.deepEqual(JSON.parse((reordered as { data: string }).data), JSON.parse(DATA));
  // A trailing key after "data" is not cut off as part of the payload.
  const trailing = parseRecordingLine(
    `{"ts":7,"stream":"btcusdt@trade","data":${DATA},"note":"x"}`,
    5,
  );
  assert.equal(trailing.kind, 'frame');
  assert.deepEqual(JSON.parse((trailing as { data: string }).data), JSON.parse(DATA));
  const snap = parseRecordingLine(
    '{"ts":9,"snapshot":"ETHUSDT","data":{"lastUpdateId":3,"bids":[],"asks":[]}}',
    6,
  );
  assert.deepEqual(snap, {
    lineNo: 6,
    kind: 'snapshot',
    tsUs: 9,
    symbol: 'ETHUSDT',
    data: '{"lastUpdateId":3,"bids":[],"asks":[]}',
  });
  assert.equal(symbolOfStream('ethusdt@depth@100ms'), 'ETHUSDT');
});

test('a bad line is malformed with a reason, never thrown', () => {
  const cases: [string, RegExp][] = [
    ['{"ts":1,"stream":"x","data":{', /not valid JSON/],
    ['[1,2]', /a line must be a JSON object/],
    ['{"ts":-1,"stream":"x","data":{}}', /"ts" must be a non-negative integer/],
    ['{"ts":1.5,"stream":"x","data":{}}', /"ts" must be a non-negative integer/],
    ['{"ts":1,"stream":"x","data":[]}', /"data" must be a JSON object/],
    ['{"ts":1,"data":{}}', /needs "stream" \(a frame\) or "snapshot"/],
    ['{"ts":1,"snapshot":"btc usdt","data":{}}', /"snapshot" must name a symbol/],
  ];
  for (const [line, reason] of cases) {
    const event = parseRecordingLine(line, 12);
    assert.equal(event.kind, 'malformed', line);
    assert.match((event as { reason: string }).reason, reason, line);
    assert.equal(event.lineNo, 12);
  }
});

test('writer and reader round-trip plain and gzipped files, with line numbers that skip blank lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-recording-'));
  try {
    for (const name of ['r.jsonl', 'r.jsonl.gz']) {
      const path = join(dir, name);
      const writer = new RecordingWriter(path);
      writer.writeSnapshot(10, 'BTCUSDT', ' {"lastUpdateId":1,"bids":[["1.00","2"]],"asks":[]}\n');
      writer.writeFrame(11.9, 'btcusdt@trade', DATA);
      await writer.close();
      const events = [];
      for await (const event of readRecording(path)) events.push(event);
      assert.deepEqual(events, [
        {
          lineNo: 1,
          kind: 'snapshot',
          tsUs: 10,
          symbol: 'BTCUSDT',
          data: '{"lastUpdateId":1,"bids":[["1.00","2"]],"asks":[]}',
        },
        { lineNo: 2, kind: 'frame', tsUs: 11, stream: 'btcusdt@trade', data: DATA },
      ]);
    }
    const gappy = join(dir, 'gappy.jsonl');
    writeFileSync(gappy, `\n{"ts":1,"stream":"a@trade","data":{}}\n\nnot json\n`);
    const events = [];
    for await (const event of readRecording(gappy)) events.push(event);
    assert.deepEqual(
      events.map((e) => [e.lineNo, e.kind]),
      [
        [2, 'frame'],
        [4, 'malformed'],
      ],
    );
    await assert.rejects(async () => {
      for await (const _ of readRecording(join(dir, 'missing.jsonl'))) void _;
    }, /missing\.jsonl does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a combined frame splits into its stream and raw payload, whatever its key order', () => {
  assert.deepEqual(splitCombinedFrame(`{"stream":"btcusdt@trade","data":${DATA}}`), {
    stream: 'btcusdt@trade',
    data: DATA,
  });
  const other = splitCombinedFrame(`{"data":${DATA},"stream":"btcusdt@trade"}`);
  assert.ok(typeof other !== 'string');
  assert.deepEqual(JSON.parse(other.data), JSON.parse(DATA));
  assert.match(splitCombinedFrame('{"e":"trade"}') as string, /not a combined-stream frame/);
  assert.match(splitCombinedFrame('{"stream":') as string, /not valid JSON/);
});
