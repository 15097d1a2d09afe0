import { MarketPipeline } from '../engine/market/market-pipeline.js';
import { readRecording } from '../engine/recording/recording-reader.js';
import { symbolOfStream } from '../engine/recording/recording-line.js';
import { format8, snapshotJson, type LevelText } from './binance-format.js';
import { streamNames, type BookLevels, type MarketSource, type Publish, type RestReply } from './market-source.js';

export type SimLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/**
 * Serves a recording at its own pace (or `speed` times faster). The frames go out
 * unchanged; the source also keeps each symbol's book with the engine's pipeline, so the
 * REST snapshot it serves is consistent with the frames already sent (lastUpdateId = the
 * last applied u). While a symbol's book is not synced (before the recording's first
 * snapshot, or after a recorded gap until the next snapshot line), REST answers 503 and a
 * client retries.
 */
export class ReplaySource implements MarketSource {
  /** Resolves when the whole file has been sent. */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private pipeline: MarketPipeline;
  private stopped = false;
  private paused = false;
  private wake: (() => void) | undefined;
  private publish: Publish | undefined;

  private constructor(
    private readonly path: string,
    readonly symbols: readonly string[],
    private readonly speed: number,
    private readonly log: SimLog,
  ) {
    this.pipeline = new MarketPipeline(symbols, {}, () => undefined);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Reads the file once to learn its symbols, then returns a source ready to start. */
  static async open(path: string, speed: number, log: SimLog): Promise<ReplaySource> {
    if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${speed}`);
    const symbols = new Set<string>();
    let events = 0;
    for await (const event of readRecording(path)) {
      if (event.kind === 'frame') symbols.add(symbolOfStream(event.stream));
      else if (event.kind === 'snapshot') symbols.add(event.symbol);
      if (event.kind !== 'malformed') events++;
    }
    if (events === 0) throw new Error(`${path} holds no recording lines`);
    const valid = [...symbols].filter((symbol) => /^[A-Z0-9]{2,20}$/.test(symbol));
    return new ReplaySource(path, valid, speed, log);
  }

  start(publish: Publish): void {
    this.publish = publish;
    void this.run().catch((error: unknown) => {
      this.log('error', `replay of ${this.path} failed: ${error instanceof Error ? error.message : String(error)}`);
      this.resolveFinished();
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  snapshot(symbol: string, limit: number): RestReply {
    const state = this.pipeline.book(symbol);
    if (!state.synced) {
      return {
        status: 503,
        body: JSON.stringify({ code: -1001, msg: `the replay's ${symbol} book is not synced at this point of the recording; retry` }),
      };
    }
    return { status: 200, body: snapshotJson(state.lastUpdateId, this.levels(symbol, true, limit), this.levels(symbol, false, limit)) };
  }

  book(symbol: string): BookLevels {
    const state = this.pipeline.book(symbol);
    return { lastUpdateId: state.lastUpdateId, bids: this.levels(symbol, true, Infinity), asks: this.levels(symbol, false, Infinity) };
  }

  private levels(symbol: string, isBid: boolean, limit: number): LevelText[] {
    const side = isBid ? this.pipeline.book(symbol).book.bids : this.pipeline.book(symbol).book.asks;
    return side
      .levels()
      .slice(0, limit)
      .map(([price, qty]) => [format8(price), format8(qty)]);
  }

  private async run(): Promise<void> {
    const startWall = Date.now();
    let firstTs = -1;
    let pausedMs = 0;
    for await (const event of readRecording(this.path)) {
      if (this.stopped) break;
      if (event.kind === 'malformed') {
        this.log('warn', `${this.path}:${event.lineNo}: skipped malformed line: ${event.reason}`);
        continue;
      }
      if (firstTs < 0) firstTs = event.tsUs;
      for (;;) {
        if (this.stopped) return this.resolveFinished();
        const pauseStarted = Date.now();
        while (this.paused && !this.stopped) await this.sleep(100);
        pausedMs += Date.now() - pauseStarted;
        const due = startWall + pausedMs + (event.tsUs - firstTs) / 1000 / this.speed;
        const wait = due - Date.now();
        if (wait <= 1) break;
        await this.sleep(Math.min(wait, 250));
      }
      if (event.kind === 'snapshot') {
        if (this.symbols.includes(event.symbol)) this.pipeline.onSnapshot(event.symbol, event.data, event.tsUs);
        continue;
      }
      this.pipeline.onFrame(event.data, event.tsUs, 0);
      const symbol = symbolOfStream(event.stream);
      const names = streamNames(symbol);
      const isDepth = event.stream === names.depth100 || event.stream === names.depth1000;
      this.publish?.(isDepth ? [names.depth100, names.depth1000] : [event.stream], event.data);
    }
    this.log('info', `replay of ${this.path} finished`);
    this.resolveFinished();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

