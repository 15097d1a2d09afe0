import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

/** One recording line (docs/ARCHITECTURE.md §4) as the looper reads it. */
interface Line {
  ts: number;
  stream?: string;
  snapshot?: string;
  data: Record<string, unknown>;
}

/** Ranges of the ids and times one pass spans; each further pass is shifted past them. */
interface Spans {
  updateIds: number;
  tradeIds: number;
  timeUs: number;
}

/** Update ids skipped between passes. */
const SEAM_GAP = 1000;

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function spansOf(lines: readonly Line[]): Spans {
  let lowU = Infinity;
  let highU = -Infinity;
  let lowT = Infinity;
  let highT = -Infinity;
  for (const line of lines) {
    const d = line.data;
    for (const id of [num(d.U), num(d.u), num(d.lastUpdateId)]) {
      if (id === null) continue;
      lowU = Math.min(lowU, id);
      highU = Math.max(highU, id);
    }
    const trade = num(d.t);
    if (trade !== null) {
      lowT = Math.min(lowT, trade);
      highT = Math.max(highT, trade);
    }
  }
  const first = lines[0]!.ts;
  const last = lines[lines.length - 1]!.ts;
  return {
    // Past the last id by more than one: each pass opens with a gap, as after a reconnect.
    updateIds: Number.isFinite(highU) ? highU - lowU + 1 + SEAM_GAP : 0,
    tradeIds: Number.isFinite(highT) ? highT - lowT + 1 : 0,
    timeUs: last - first + 1000,
  };
}

/** The line moved k passes on: times, update ids and trade ids past every earlier pass. */
function shifted(line: Line, k: number, spans: Spans): Line {
  const d = { ...line.data };
  const dU = k * spans.updateIds;
  for (const key of ['U', 'u', 'lastUpdateId'] as const) {
    const id = num(d[key]);
    if (id !== null) d[key] = id + dU;
  }
  const trade = num(d.t);
  if (trade !== null) d.t = trade + k * spans.tradeIds;
  const dMs = Math.round((k * spans.timeUs) / 1000);
  for (const key of ['E', 'T'] as const) {
    const ms = num(d[key]);
    if (ms !== null) d[key] = ms + dMs;
  }
  return { ...line, ts: line.ts + k * spans.timeUs, data: d };
}

/**
 * Writes `passes` copies of a recording one after another, as one longer recording: a
 * replay's speed over a long file, where the JIT's warm-up is a small part of the run,
 * made from the real one. Each pass after the first has its times, depth update ids
 * and trade ids moved past the previous pass's. Its update ids open with a gap, as a
 * recording does after a reconnect: the engine drops the stale book and takes the
 * pass's own snapshot line, so every pass trades on the book the recording had (a pass
 * continuing the previous one's book would keep levels the real book no longer had, and
 * cross). Trades are not taken for duplicates. Returns the number of lines written.
 */
export async function writeLoopedRecording(
  source: string,
  target: string,
  passes: number,
): Promise<number> {
  if (!Number.isInteger(passes) || passes < 1)
    throw new Error(`passes must be a positive integer, got ${passes}`);
  const lines: Line[] = readFileSync(source, 'utf8')
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text, i) => {
      try {
        return JSON.parse(text) as Line;
      } catch {
        throw new Error(`${source}:${i + 1}: not a JSON line; loop only a converted recording`);
      }
    });
  if (!lines.some((line) => line.snapshot !== undefined))
    throw new Error(`${source} has no snapshot line, so a second pass could not start a book`);
  const spans = spansOf(lines);
  const out = createWriteStream(target);
  let written = 0;
  for (let k = 0; k < passes; k++) {
    let chunk = '';
    for (let i = 0; i < lines.length; i++) {
      chunk += JSON.stringify(k === 0 ? lines[i] : shifted(lines[i]!, k, spans)) + '\n';
      written++;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return written;
}
