import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRecordingBytes } from '../../main/engine/recording/recording-bytes.js';
import { readRecording } from '../../main/engine/recording/recording-reader.js';
import { makeTempDir } from '../temp-dirs.js';

const LINES = [
  '{"ts":1000,"snapshot":"BTCUSDT","data":{"lastUpdateId":100,"bids":[["1.00","2.00"]],"asks":[["1.10","2.00"]]}}',
  '{"ts":1001,"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","U":101,"u":101,"b":[],"a":[]}}',
  '',
  '{"ts": 1002, "stream": "btcusdt@trade", "data": {"e": "trade", "t": 5}}',
  'not json',
  '{"ts":1003,"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","U":102,"u":102,"b":[["1.01","1"]],"a":[]}}',
];

type Seen = Array<[string, number, number, string]>;

async function viaBytes(path: string): Promise<Seen> {
  const seen: Seen = [];
  await readRecordingBytes(path, {
    frame: (bytes, start, end, tsUs, lineNo) =>
      seen.push([
        'frame',
        lineNo,
        tsUs,
        JSON.stringify(JSON.parse(Buffer.from(bytes.subarray(start, end)).toString())),
      ]),
    snapshot: (symbol, data, tsUs, lineNo) =>
      seen.push(['snapshot', lineNo, tsUs, symbol + JSON.stringify(JSON.parse(data))]),
    malformed: (lineNo) => seen.push(['malformed', lineNo, 0, '']),
  });
  return seen;
}

async function viaLines(path: string): Promise<Seen> {
  const seen: Seen = [];
  for await (const event of readRecording(path)) {
    if (event.kind === 'frame')
      seen.push(['frame', event.lineNo, event.tsUs, JSON.stringify(JSON.parse(event.data))]);
    else if (event.kind === 'snapshot')
      seen.push([
        'snapshot',
        event.lineNo,
        event.tsUs,
        event.symbol + JSON.stringify(JSON.parse(event.data)),
      ]);
    else seen.push(['malformed', event.lineNo, 0, '']);
  }
  return seen;
}

test("the replay's byte reader sees what the line reader sees, plain and gzip, with line numbers", async () => {
  const dir = makeTempDir('lockstep-bytes-');
  const text = LINES.join('\n') + '\n';
  const plain = join(dir, 'r.jsonl');
  const gz = join(dir, 'r.jsonl.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(text));
  const expected = await viaLines(plain);
  assert.equal(expected.length, 5);
  assert.deepEqual(await viaBytes(plain), expected);
  assert.deepEqual(await viaBytes(gz), expected);
  // No newline at the end: the last line still counts.
  writeFileSync(plain, text.trimEnd());
  assert.deepEqual(await viaBytes(plain), expected);
});
