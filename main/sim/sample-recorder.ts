/**
 * assets/sample-recording.jsonl is made with this file, by:
 *
 *   npm run cli -- sim --record-sample assets/sample-recording.jsonl --duration 75 --seed 7 --faults drop=0.002
 *
 * (equivalently `node dist/main/cli/index.js sim --record-sample ...`). It runs the
 * generated market in SIMULATED time — 75 s of BTCUSDT and ETHUSDT take about a second —
 * and records what a recorder connected to the simulator would have written: every
 * `@depth@100ms`, `@trade` and `@bookTicker` frame with its receive time (send time plus
 * a wandering network latency, never reordering the one connection's frames), the REST
 * snapshot it fetches for each symbol after the first diffs (so the first applicable diff
 * straddles it, as on Binance), and a fresh snapshot after every gap it sees. The faults
 * (`drop` by default) are the simulator's own, decided from the seed, so the file is the
 * same on every machine.
 */
import { Rng } from '../engine/core/rng.js';
import { RecordingWriter } from '../engine/recording/recording-writer.js';
import { Corruption, FaultInjector, spoilNumber, truncateText } from './fault-injector.js';
import { FrameKind, type FrameKindCode, type FrameOutput } from './frame-output.js';
import { parseFaultSpec } from './fault-spec.js';
import { GeneratedMarket, mixSeed } from './generated-market.js';
import { profileFor } from './symbol-profiles.js';

export interface SampleRecordingOptions {
  readonly out: string;
  readonly seed: number;
  readonly durationS: number;
  readonly symbols?: readonly string[];
  /** Fault spec (default `drop=0.002`: a few gaps in 75 s). `disconnect` is not supported here. */
  readonly faults?: string;
  /** Wall-clock ms of the first frame (default 2025-01-01T00:00:00Z, so the file is reproducible). */
  readonly startMs?: number;
}

export interface SampleRecordingResult {
  readonly lines: number;
  readonly frames: number;
  readonly snapshots: number;
  /** Gaps the recorder saw per symbol (each followed by a fresh snapshot). */
  readonly gaps: Readonly<Record<string, number>>;
  readonly bytes: number;
}

export const DEFAULT_SAMPLE_FAULTS = 'drop=0.002';
const DEFAULT_START_MS = Date.UTC(2025, 0, 1);
/** Recorded streams per symbol, as a recorder of the engine's needs subscribes them. */
const RECORDED = ['depth@100ms', 'trade', 'bookTicker'] as const;
/** The recorder asks for its first snapshots after this long (two diffs have arrived). */
const FIRST_SNAPSHOT_MS = 250;
/** Request to server, server to recorder: the REST round trip of a snapshot, ms. */
const REST_OUT_MS = 15;
const REST_BACK_MS = 40;
/** A failed snapshot (rest_error) is asked for again after this long. */
const RETRY_MS = 200;

interface PendingSnapshot {
  readonly symbol: string;
  /** Simulated ms at which the server takes the snapshot. */
  readonly serverMs: number;
}

interface Line {
  readonly tsUs: number;
  readonly kind: 'frame' | 'snapshot';
  readonly name: string;
  readonly data: string;
}

export async function recordSample(
  options: SampleRecordingOptions,
): Promise<SampleRecordingResult> {
  if (!(options.durationS > 0 && options.durationS <= 3600))
    throw new Error(`duration must be from 0 to 3600 s, got ${options.durationS}`);
  const faults = parseFaultSpec(options.faults ?? DEFAULT_SAMPLE_FAULTS);
  if (faults.disconnectMs !== null)
    throw new Error(
      'the disconnect fault has no meaning for a sample recording (there is no connection to cut)',
    );
  const symbols = options.symbols ?? ['BTCUSDT', 'ETHUSDT'];
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const markets = symbols.map(
    (symbol) =>
      new GeneratedMarket(profileFor(symbol), options.seed, {
        epochMs: startMs,
        diffIntervalMs: 100,
      }),
  );
  const injector = new FaultInjector(faults, new Rng(mixSeed(options.seed, '#faults')));
  const recorder = new Recorder(
    startMs,
    new Rng(mixSeed(options.seed, '#recorder')),
    injector,
    symbols,
  );
  const pending: PendingSnapshot[] = symbols.map((symbol, i) => ({
    symbol,
    serverMs: FIRST_SNAPSHOT_MS + 30 * i + REST_OUT_MS,
  }));

  const endMs = options.durationS * 1000;
  const takeDueSnapshots = (t: number): void => {
    for (let i = pending.length - 1; i >= 0; i--) {
      const request = pending[i]!;
      if (request.serverMs > t) continue;
      pending.splice(i, 1);
      if (injector.restFails()) {
        pending.push({ symbol: request.symbol, serverMs: t + RETRY_MS });
        continue;
      }
      const market = markets[symbols.indexOf(request.symbol)]!;
      recorder.snapshot(
        request.symbol,
        t + REST_BACK_MS + faults.slowSnapshotMs,
        market.snapshotJson(5000),
      );
    }
  };
  for (let t = 1; t <= endMs; t++) {
    recorder.nowMs = t;
    for (const market of markets) market.advanceTo(t, recorder);
    for (const symbol of recorder.takeGapSymbols()) {
      if (!pending.some((p) => p.symbol === symbol))
        pending.push({ symbol, serverMs: t + REST_OUT_MS });
    }
    takeDueSnapshots(t);
  }
  // Stopping records no more frames but lets snapshots already asked for arrive, so a
  // recording never ends on a gap it could not answer.
  const quiet: FrameOutput = { wants: () => false, emit: () => undefined };
  for (let t = endMs + 1; pending.length > 0; t++) {
    for (const market of markets) market.advanceTo(t, quiet);
    takeDueSnapshots(t);
  }
  return recorder.write(options.out);
}

/** The recorder's side: receive times, gap detection, and the lines it writes. */
class Recorder implements FrameOutput {
  nowMs = 0;
  private readonly wanted = new Set<string>();
  private readonly lines: Line[] = [];
  private readonly lastU = new Map<string, number>();
  private readonly gapSymbols = new Set<string>();
  private readonly gaps: Record<string, number> = {};
  private latencyUs = 1000;
  private lastFrameTsUs = 0;
  private held: Line | null = null;

  constructor(
    private readonly startMs: number,
    private readonly rng: Rng,
    private readonly faults: FaultInjector,
    symbols: readonly string[],
  ) {
    for (const symbol of symbols) {
      this.gaps[symbol] = 0;
      for (const kind of RECORDED) this.wanted.add(`${symbol.toLowerCase()}@${kind}`);
    }
  }

  wants(stream: string): boolean {
    return this.wanted.has(stream);
  }

  emit(stream: string, kind: FrameKindCode, payload: string): void {
    if (this.faults.silenced(this.nowMs)) return;
    if (!this.faults.decide(kind)) return;
    const fault = this.faults.fault;
    let data = payload;
    if (fault.corruption === Corruption.BAD_NUMBER) data = spoilNumber(payload);
    if (fault.corruption === Corruption.TRUNCATE) data = truncateText(payload, fault.cutFraction);
    const line: Line = { tsUs: this.receiveTimeUs(), kind: 'frame', name: stream, data };
    if (kind === FrameKind.DEPTH) this.watchSequence(stream, data);
    if (this.held !== null) {
      const held = this.held;
      this.held = null;
      this.push(line);
      this.push({ ...held, tsUs: line.tsUs });
    } else if (fault.reorder) {
      this.held = line;
    } else {
      this.push(line);
    }
    if (fault.dup) this.push(line);
  }

  snapshot(symbol: string, arriveMs: number, body: string): void {
    this.lines.push({
      tsUs: (this.startMs + arriveMs) * 1000 + this.rng.int(1000),
      kind: 'snapshot',
      name: symbol,
      data: body,
    });
  }

  takeGapSymbols(): string[] {
    if (this.gapSymbols.size === 0) return [];
    const symbols = [...this.gapSymbols];
    this.gapSymbols.clear();
    return symbols;
  }

  async write(path: string): Promise<SampleRecordingResult> {
    if (this.held !== null) this.push(this.held);
    // Frames are already in arrival order; snapshots (another connection) slot in by time.
    const ordered = this.lines
      .map((line, index) => ({ line, index }))
      .sort((a, b) => a.line.tsUs - b.line.tsUs || a.index - b.index);
    const writer = new RecordingWriter(path);
    try {
      for (const { line } of ordered) {
        if (line.kind === 'frame') writer.writeFrame(line.tsUs, line.name, line.data);
        else writer.writeSnapshot(line.tsUs, line.name, line.data);
      }
    } finally {
      await writer.close();
    }
    return {
      lines: ordered.length,
      frames: writer.frames,
      snapshots: writer.snapshots,
      gaps: { ...this.gaps },
      bytes: writer.bytes,
    };
  }

  private push(line: Line): void {
    this.lines.push(line);
  }

  /** One connection: latency wanders (0.3–3 ms) but frames never overtake each other. */
  private receiveTimeUs(): number {
    this.latencyUs = Math.min(3000, Math.max(300, this.latencyUs + (this.rng.next() - 0.5) * 200));
    const ts = Math.max(
      this.lastFrameTsUs,
      Math.round((this.startMs + this.nowMs) * 1000 + this.latencyUs),
    );
    this.lastFrameTsUs = ts;
    return ts;
  }

  /** A diff whose U is past the previous u + 1 is a gap: the recorder fetches a snapshot. */
  private watchSequence(stream: string, data: string): void {
    const first = /"U":(\d+)/.exec(data);
    const last = /"u":(\d+)/.exec(data);
    if (!first || !last) return;
    const symbol = stream.slice(0, stream.indexOf('@')).toUpperCase();
    const previous = this.lastU.get(symbol);
    const U = Number(first[1]);
    const u = Number(last[1]);
    if (previous !== undefined && U > previous + 1) {
      this.gaps[symbol] = (this.gaps[symbol] ?? 0) + 1;
      this.gapSymbols.add(symbol);
    }
    if (previous === undefined || u > previous) this.lastU.set(symbol, u);
  }
}
