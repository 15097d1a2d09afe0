import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  MAX_LINE_BYTES,
  readLines,
  readRecording,
} from '../../main/engine/recording/recording-reader.js';
import type { RecordingEvent } from '../../main/engine/recording/recording-line.js';

const frame = (u: number): string =>
  JSON.stringify({
    ts: 1_000 + u,
    stream: 'btcusdt@depth@100ms',
    data: { e: 'depthUpdate', E: u, s: 'BTCUSDT', U: u, u, b: [['1.00', '1']], a: [] },
  });

async function collect(path: string): Promise<RecordingEvent[]> {
  const events: RecordingEvent[] = [];
  for await (const event of readRecording(path)) events.push(event);
  return events;
}

test('a line over 16 MiB is reported as malformed with its number, and reading goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'line-cap-'));
  try {
    const huge = '{"ts":1,"stream":"x","data":"' + 'x'.repeat(MAX_LINE_BYTES) + '"}';
    const text = [frame(1), huge, frame(2), '', frame(3)].join('\n') + '\n';
    for (const [name, bytes] of [
      ['plain.jsonl', Buffer.from(text)],
      ['packed.jsonl.gz', gzipSync(text)],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const events = await collect(path);
      assert.deepEqual(
        events.map((e) => [e.lineNo, e.kind]),
        [
          [1, 'frame'],
          [2, 'malformed'],
          [3, 'frame'],
          [5, 'frame'],
        ],
        name,
      );
      const bad = events[1]!;
      assert.ok(bad.kind === 'malformed' && /longer than 16 MiB/.test(bad.reason), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line exactly at the cap is kept; one byte more is not; lines split across reads and multi-byte characters survive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'line-cap-'));
  try {
    const path = join(dir, 'small.txt');
    const cap = 100;
    const atCap = 'é'.repeat(cap / 2); // 100 bytes of 2-byte characters
    writeFileSync(path, `${atCap}\nshort\r\n${'a'.repeat(cap + 1)}\nlast without newline`);
    const lines = [];
    for await (const line of readLines(path, cap)) lines.push(line);
    assert.deepEqual(lines, [
      { lineNo: 1, line: atCap },
      { lineNo: 2, line: 'short' },
      { lineNo: 3, line: null, reason: 'line longer than 100 bytes; skipped to its end' },
      { lineNo: 4, line: 'last without newline' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is one endless line (/dev/zero) yields line 1 as malformed instead of exhausting memory', async (t) => {
  const endless = '/dev/zero';
  if (!existsSync(endless)) return t.skip('no /dev/zero here');
  const before = process.memoryUsage().rss;
  for await (const event of readRecording(endless)) {
    assert.equal(event.kind, 'malformed');
    assert.equal(event.lineNo, 1);
    break;
  }
  // Held at most the cap (plus a read's chunk), never the ~700 MB that crashed before.
  assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024);
});
