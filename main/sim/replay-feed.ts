import { readRecording } from '../engine/recording/recording-reader.js';
import { symbolOfStream } from '../engine/recording/recording-line.js';
import {
  FrameKind,
  type FrameKindCode,
  type FrameOutput,
  type SimBookView,
} from './frame-output.js';
import type { MarketFeed } from './market-feed.js';
import { ReplayMirror } from './replay-mirror.js';
import type { LogFn } from '../../shared/log.js';

/**
 * Serves a recording (docs/ARCHITECTURE.md §4) as the exchange sent it: each frame line goes out on
 * its stream, unchanged, at the recording's own pace times `speed` (or as fast as the
 * slowest client takes them with 'max'). Playback starts with the first WebSocket client
 * and all clients share it, like a live market; it plays once.
 *
 * REST snapshots come from the recording's snapshot lines, in time order: a request is
 * answered with that symbol's next snapshot line not yet reached, once the replay reaches
 * it (a snapshot cannot come from the future), which is the fresh fetch a recorder made
 * after its gap. With no snapshot line left, the answer is the book the recording
 * describes now (ReplayMirror), or the last snapshot line when that book is not synced.
 */
export interface ReplayFeedOptions {
  readonly path: string;
  readonly speed: number | 'max';
  readonly log: LogFn;
}

interface SnapshotLine {
  readonly tsUs: number;
  readonly lineNo: number;
  readonly data: string;
}

interface SnapshotWaiter {
  readonly index: number;
  readonly resolve: (body: string) => void;
}

/** With 'max', yield to the event loop every this many lines (REST and pings keep flowing). */
const LINES_PER_TURN = 200;
/** With 'max', pause while a client has this much queued. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

export class ReplayFeed implements MarketFeed {
  readonly symbols: readonly string[];
  readonly extraStreams: ReadonlySet<string>;
  readonly finished: Promise<void>;
  /** Lines that could not be read (line numbers and reasons were logged). */
  readonly malformedLines: number;
  /** Frames sent so far. */
  framesPlayed = 0;
  private readonly snapshots: ReadonlyMap<string, readonly SnapshotLine[]>;
  private readonly passed = new Map<string, number>();
  private readonly waiters = new Map<string, SnapshotWaiter[]>();
  private readonly mirrors = new Map<string, ReplayMirror>();
  private readonly firstTsUs: number;
  private positionUs = -1;
  private out: FrameOutput | null = null;
  private playing = false;
  private closed = false;
  private done = false;
  private finish: () => void = () => undefined;
  private sleepTimer: NodeJS.Timeout | null = null;
  private paused = false;
  private pausedMs = 0;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly options: ReplayFeedOptions,
    scan: {
      symbols: string[];
      streams: Set<string>;
      snapshots: Map<string, SnapshotLine[]>;
      firstTsUs: number;
      malformed: number;
    },
  ) {
    this.symbols = scan.symbols;
    this.extraStreams = scan.streams;
    this.snapshots = scan.snapshots;
    this.firstTsUs = scan.firstTsUs;
    this.malformedLines = scan.malformed;
    for (const symbol of scan.symbols) {
      this.passed.set(symbol, 0);
      this.mirrors.set(symbol, new ReplayMirror(symbol));
    }
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /** Reads the recording once to learn its symbols, streams and snapshot lines. */
  static async open(options: ReplayFeedOptions): Promise<ReplayFeed> {
    const speed = options.speed;
    if (speed !== 'max' && !(typeof speed === 'number' && speed > 0 && Number.isFinite(speed))) {
      throw new Error(`replay speed must be a positive number or "max", got ${String(speed)}`);
    }
    const symbols = new Set<string>();
    const streams = new Set<string>();
    const snapshots = new Map<string, SnapshotLine[]>();
    let firstTsUs = NaN;
    let malformed = 0;
    let frames = 0;
    for await (const event of readRecording(options.path)) {
      if (event.kind === 'malformed') {
        malformed++;
        options.log('warn', `${options.path}:${event.lineNo}: skipped, ${event.reason}`);
        continue;
      }
      if (Number.isNaN(firstTsUs)) firstTsUs = event.tsUs;
      if (event.kind === 'snapshot') {
        symbols.add(event.symbol);
        let list = snapshots.get(event.symbol);
        if (!list) snapshots.set(event.symbol, (list = []));
        list.push({ tsUs: event.tsUs, lineNo: event.lineNo, data: event.data });
      } else {
        frames++;
        streams.add(event.stream);
        symbols.add(symbolOfStream(event.stream));
      }
    }
    if (frames === 0) throw new Error(`${options.path} has no stream frames to replay`);
    return new ReplayFeed(options, {
      symbols: [...symbols],
      streams,
      snapshots,
      firstTsUs,
      malformed,
    });
  }

  start(out: FrameOutput): void {
    this.out = out;
  }

  clientConnected(): void {
    if (this.playing || this.closed || this.out === null) return;
    this.playing = true;
    this.play().catch((error: unknown) => {
      this.options.log(
        'warn',
        `replay stopped: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.end();
    });
  }

  feedTimeMs(): number {
    return this.positionUs < 0 ? 0 : this.positionUs / 1000;
  }

  depthBody(symbol: string, limit: number): Promise<string> {
    const lines = this.snapshots.get(symbol) ?? [];
    const next = this.playing ? this.passed.get(symbol)! : 0;
    if (next < lines.length) {
      // Before playback, the first line is the upcoming one; during it, wait to reach it.
      if (!this.playing || this.done) return Promise.resolve(cut(lines[next]!.data, limit));
      return new Promise((resolve) => {
        let list = this.waiters.get(symbol);
        if (!list) this.waiters.set(symbol, (list = []));
        list.push({ index: next, resolve: (body) => resolve(cut(body, limit)) });
      });
    }
    const mirror = this.mirrors.get(symbol)!.view();
    if (mirror.synced) return Promise.resolve(mirrorBody(mirror, limit));
    if (lines.length > 0) return Promise.resolve(cut(lines[lines.length - 1]!.data, limit));
    return Promise.reject(
      new Error(`the recording has no snapshot of ${symbol} and its book is not synced`),
    );
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  /** The book the recording describes at the current position. */
  book(symbol: string): SimBookView {
    const mirror = this.mirrors.get(symbol);
    if (!mirror)
      throw new Error(`the recording has no ${symbol}; it has ${this.symbols.join(', ')}`);
    return mirror.view();
  }

  close(): void {
    this.closed = true;
    if (this.sleepTimer !== null) clearTimeout(this.sleepTimer);
    this.wake?.();
    this.end();
  }

  private async play(): Promise<void> {
    const speed = this.options.speed;
    const wallStart = performance.now();
    let sinceTurn = 0;
    for await (const event of readRecording(this.options.path)) {
      if (this.closed) return;
      if (event.kind === 'malformed') continue;
      const offsetUs = event.tsUs - this.firstTsUs;
      if (speed === 'max') {
        await this.waitWhilePaused();
        if (++sinceTurn >= LINES_PER_TURN) {
          sinceTurn = 0;
          await this.sleep(0);
          while (!this.closed && (this.out?.backlogBytes?.() ?? 0) > MAX_BACKLOG_BYTES)
            await this.sleep(5);
        }
      } else {
        // Short naps, so a pause or close is seen soon even before a long quiet stretch.
        for (;;) {
          await this.waitWhilePaused();
          const waitMs = wallStart + this.pausedMs + offsetUs / 1000 / speed - performance.now();
          if (waitMs < 1 || this.closed) break;
          await this.sleep(Math.min(waitMs, 250));
        }
      }
      if (this.closed) return;
      if (offsetUs > this.positionUs) this.positionUs = offsetUs;
      if (event.kind === 'snapshot') {
        this.reachSnapshot(event.symbol, event.data);
        continue;
      }
      const kind = kindOfStream(event.stream);
      if (kind === FrameKind.DEPTH)
        this.mirrors.get(symbolOfStream(event.stream))?.onDiff(event.data);
      this.framesPlayed++;
      const out = this.out;
      if (out?.wants(event.stream)) out.emit(event.stream, kind, event.data);
    }
    this.options.log('info', `replay finished: ${this.framesPlayed} frames`);
    this.end();
  }

  private reachSnapshot(symbol: string, data: string): void {
    const index = this.passed.get(symbol)!;
    this.passed.set(symbol, index + 1);
    const problem = this.mirrors.get(symbol)!.onSnapshot(data);
    if (problem !== null)
      this.options.log('warn', `${symbol}: snapshot line not usable: ${problem}`);
    const list = this.waiters.get(symbol);
    if (!list) return;
    for (const waiter of list.splice(0)) waiter.resolve(data);
  }

  /** Ends playback: every waiting snapshot request gets the best answer left. */
  private end(): void {
    if (this.done) return;
    this.done = true;
    for (const [symbol, list] of this.waiters) {
      for (const waiter of list.splice(0)) {
        const lines = this.snapshots.get(symbol) ?? [];
        waiter.resolve(lines[Math.min(waiter.index, lines.length - 1)]!.data);
      }
    }
    this.finish();
  }

  /** Holds playback while paused; the pause does not count as recording time. */
  private async waitWhilePaused(): Promise<void> {
    if (!this.paused) return;
    const pausedAt = performance.now();
    while (this.paused && !this.closed) await this.sleep(50);
    this.pausedMs += performance.now() - pausedAt;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }
}

/** Depth diff streams (not partial-depth snapshots like @depth20@100ms). */
function kindOfStream(stream: string): FrameKindCode {
  if (/@depth(@\d+ms)?$/.test(stream)) return FrameKind.DEPTH;
  if (stream.endsWith('@trade')) return FrameKind.TRADE;
  if (stream.endsWith('@aggTrade')) return FrameKind.AGG_TRADE;
  if (stream.endsWith('@bookTicker')) return FrameKind.BOOK_TICKER;
  return FrameKind.OTHER;
}

/** A recorded snapshot body cut to `limit` levels a side (strings kept as recorded). */
function cut(data: string, limit: number): string {
  const parsed = JSON.parse(data) as { lastUpdateId: number; bids: unknown[]; asks: unknown[] };
  if (parsed.bids.length <= limit && parsed.asks.length <= limit) return data;
  return JSON.stringify({
    lastUpdateId: parsed.lastUpdateId,
    bids: parsed.bids.slice(0, limit),
    asks: parsed.asks.slice(0, limit),
  });
}

function mirrorBody(view: SimBookView, limit: number): string {
  return JSON.stringify({
    lastUpdateId: view.lastUpdateId,
    bids: view.bids.slice(0, limit),
    asks: view.asks.slice(0, limit),
  });
}
