import type { RawData, WebSocket } from 'ws';
import { answerControlMessage, type ControlTarget } from './control-requests.js';
import { Corruption, truncateText, type FrameFault } from './fault-injector.js';
import type { StreamCheck } from './stream-names.js';
import type { LogFn } from '../../shared/log.js';

/**
 * One client connection, with Binance's connection rules:
 * - a ping frame every `pingIntervalMs` (20 s); a client that has not answered a ping with
 *   a pong echoing its payload within `pongTimeoutMs` (1 min) is dropped; unsolicited
 *   pongs do not count, as on Binance;
 * - at most `maxMessagesPerSecond` (5) incoming messages in any second, counting text
 *   messages, pings and pongs; one more and the connection is closed (1008);
 * - a connection lives at most `maxConnectionMs` (24 h), then is closed (1001);
 * - the `disconnect` fault cuts it abruptly (no close frame) `disconnectAfterMs` in.
 * Frames arrive from the StreamHub already decided (dup / reorder / corruption); the
 * session renders them for its mode (combined wrapper or bare payload) and sends them.
 */
export interface SessionRules {
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly maxConnectionMs: number;
  readonly maxMessagesPerSecond: number;
  readonly disconnectAfterMs: number | null;
}

export interface SessionHooks {
  readonly checkStream: (stream: string) => StreamCheck;
  subscribe(session: ClientSession, stream: string): void;
  unsubscribe(session: ClientSession, stream: string): void;
  closed(session: ClientSession): void;
  /** Whether the disconnect fault is still in force when its timer fires. */
  disconnectActive(): boolean;
  readonly log: LogFn;
}

/** A client this far behind (bytes queued) is cut off rather than let memory grow. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** A reordered frame waits at most this long for a successor to overtake it. */
const MAX_HOLD_MS = 250;

export class ClientSession implements ControlTarget {
  readonly streams = new Set<string>();
  /** Why the server ended the connection ('' while open or when the client closed it). */
  endReason = '';
  private held: string | null = null;
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly arrivals: Float64Array;
  private arrivalIndex = 0;
  private readonly pings: string[] = [];
  private pongDeadline: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private open = true;

  constructor(
    private readonly ws: WebSocket,
    public combined: boolean,
    private readonly rules: SessionRules,
    private readonly hooks: SessionHooks,
    readonly id: number,
  ) {
    this.arrivals = new Float64Array(Math.max(1, rules.maxMessagesPerSecond)).fill(-Infinity);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('ping', () => this.countIncoming());
    ws.on('pong', (data) => this.onPong(data));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => hooks.log('warn', `connection ${id}: ${error.message}`));
    this.timers.push(setInterval(() => this.sendPing(), rules.pingIntervalMs));
    this.timers.push(
      setTimeout(() => this.end('connection lifetime reached', 1001), rules.maxConnectionMs),
    );
    if (rules.disconnectAfterMs !== null) {
      this.timers.push(
        setTimeout(() => {
          if (hooks.disconnectActive()) this.cut('disconnect fault');
        }, rules.disconnectAfterMs),
      );
    }
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  subscribe(stream: string): void {
    if (this.streams.has(stream)) return;
    this.streams.add(stream);
    this.hooks.subscribe(this, stream);
  }

  unsubscribe(stream: string): void {
    if (!this.streams.delete(stream)) return;
    this.hooks.unsubscribe(this, stream);
  }

  /** One frame from the hub: `payload` bare, `combinedText` its wrapped form. */
  deliver(payload: string, combinedText: string, fault: FrameFault): void {
    if (!this.open) return;
    let text = this.combined ? combinedText : payload;
    if (fault.corruption === Corruption.TRUNCATE) text = truncateText(text, fault.cutFraction);
    if (this.held !== null) {
      // The held frame goes out right after its successor: the two arrive swapped.
      const held = this.held;
      this.clearHeld();
      this.send(text);
      this.send(held);
      if (fault.dup) this.send(text);
      return;
    }
    if (fault.reorder) {
      this.held = text;
      this.holdTimer = setTimeout(() => this.releaseHeld(), MAX_HOLD_MS);
      return;
    }
    this.send(text);
    if (fault.dup) this.send(text);
  }

  /** Closes from the server side with a close frame. */
  end(reason: string, code: number): void {
    if (!this.open) return;
    this.endReason = reason;
    this.hooks.log('info', `connection ${this.id} closed by the server: ${reason}`);
    this.shutdown();
    this.ws.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (what a network fault looks like). */
  cut(reason: string): void {
    if (!this.open) return;
    this.endReason = reason;
    this.hooks.log('info', `connection ${this.id} cut by the server: ${reason}`);
    this.shutdown();
    this.ws.terminate();
  }

  private send(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.cut(`client too slow (${this.ws.bufferedAmount} bytes queued)`);
      return;
    }
    this.ws.send(text);
  }

  private releaseHeld(): void {
    const held = this.held;
    this.clearHeld();
    if (held !== null) this.send(held);
  }

  private clearHeld(): void {
    this.held = null;
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (!this.countIncoming()) return;
    const text = isBinary ? '' : rawText(data);
    const answer = answerControlMessage(text, this, this.hooks.checkStream);
    this.send(answer);
  }

  /** Counts one incoming message against the limit; false when it ended the connection. */
  private countIncoming(): boolean {
    if (!this.open) return false;
    const now = performance.now();
    // The ring holds the last N arrival times: the oldest within a second means N + 1.
    const oldest = this.arrivals[this.arrivalIndex]!;
    this.arrivals[this.arrivalIndex] = now;
    this.arrivalIndex = (this.arrivalIndex + 1) % this.arrivals.length;
    if (now - oldest < 1000) {
      this.end(`more than ${this.rules.maxMessagesPerSecond} incoming messages in a second`, 1008);
      return false;
    }
    return true;
  }

  private sendPing(): void {
    if (!this.open || this.ws.readyState !== this.ws.OPEN) return;
    const payload = String(Date.now());
    this.pings.push(payload);
    if (this.pings.length > 8) this.pings.shift();
    this.ws.ping(payload);
    if (this.pongDeadline === null) {
      this.pongDeadline = setTimeout(
        () => this.cut(`no pong within ${this.rules.pongTimeoutMs} ms`),
        this.rules.pongTimeoutMs,
      );
    }
  }

  private onPong(data: Buffer): void {
    if (!this.countIncoming()) return;
    const index = this.pings.indexOf(data.toString('utf8'));
    if (index < 0) return; // unsolicited: allowed, but it keeps nothing alive
    this.pings.splice(0, index + 1);
    if (this.pongDeadline !== null) clearTimeout(this.pongDeadline);
    this.pongDeadline = null;
  }

  private onClose(): void {
    this.shutdown();
  }

  private shutdown(): void {
    if (!this.open) return;
    this.open = false;
    for (const timer of this.timers) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    if (this.pongDeadline !== null) clearTimeout(this.pongDeadline);
    this.clearHeld();
    for (const stream of this.streams) this.hooks.unsubscribe(this, stream);
    this.hooks.closed(this);
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
