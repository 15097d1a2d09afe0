import { parseFixed } from '../../shared/domain.js';
import type { SimBookView } from './frame-output.js';
import { LevelLadder } from './level-ladder.js';
import { decimal8 } from './wire-format.js';

/**
 * The book a replayed recording describes, rebuilt on the simulator's side so `book()`
 * means something in replay mode too: a snapshot line restarts it, then depth diffs apply
 * by Binance's rules (u <= lastUpdateId dropped, the first with U <= lastUpdateId+1 <= u,
 * then U == previous u + 1). A gap leaves it unsynced until the next snapshot line. A
 * recording's snapshot usually arrives a few diffs after they were sent, so the diffs
 * seen while unsynced are kept (a bounded number) and replayed onto the snapshot.
 * Independent of the engine's BookSync on purpose: tests compare the two.
 */
interface DepthDiff {
  readonly first: number;
  readonly last: number;
  readonly bids: ReadonlyArray<readonly [string, string]>;
  readonly asks: ReadonlyArray<readonly [string, string]>;
}

const MAX_WAITING_DIFFS = 256;

export class ReplayMirror {
  private readonly bids = new LevelLadder(true);
  private readonly asks = new LevelLadder(false);
  private lastUpdateId = 0;
  private synced = false;
  private readonly waiting: DepthDiff[] = [];

  constructor(readonly symbol: string) {}

  /** A snapshot line's data; returns a reason when it is unusable. */
  onSnapshot(data: string): string | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return 'snapshot is not valid JSON';
    }
    const snapshot = parsed as { lastUpdateId?: unknown; bids?: unknown; asks?: unknown };
    if (
      typeof snapshot.lastUpdateId !== 'number' ||
      !isLevels(snapshot.bids) ||
      !isLevels(snapshot.asks)
    ) {
      return 'snapshot needs lastUpdateId and bids/asks as [price, qty] string pairs';
    }
    this.bids.clear();
    this.asks.clear();
    for (const [price, qty] of snapshot.bids) this.bids.set(parseFixed(price), parseFixed(qty));
    for (const [price, qty] of snapshot.asks) this.asks.set(parseFixed(price), parseFixed(qty));
    this.lastUpdateId = snapshot.lastUpdateId;
    this.synced = true;
    const waiting = this.waiting.splice(0);
    for (const diff of waiting) this.apply(diff);
    return null;
  }

  /** A depthUpdate payload (raw text). */
  onDiff(payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return; // a malformed frame changes nothing
    }
    const d = parsed as { U?: unknown; u?: unknown; b?: unknown; a?: unknown };
    if (typeof d.U !== 'number' || typeof d.u !== 'number' || !isLevels(d.b) || !isLevels(d.a))
      return;
    const diff: DepthDiff = { first: d.U, last: d.u, bids: d.b, asks: d.a };
    if (!this.synced) {
      this.waiting.push(diff);
      if (this.waiting.length > MAX_WAITING_DIFFS) this.waiting.shift();
      return;
    }
    this.apply(diff);
  }

  view(): SimBookView {
    const side = (ladder: LevelLadder): Array<[string, string]> => {
      const out: Array<[string, string]> = [];
      for (let i = 0; i < ladder.count; i++)
        out.push([decimal8(ladder.priceAt(i)), decimal8(ladder.qtyAt(i))]);
      return out;
    };
    return {
      symbol: this.symbol,
      lastUpdateId: this.lastUpdateId,
      synced: this.synced,
      bids: side(this.bids),
      asks: side(this.asks),
    };
  }

  private apply(diff: DepthDiff): void {
    if (!this.synced || diff.last <= this.lastUpdateId) return;
    if (diff.first > this.lastUpdateId + 1) {
      this.synced = false; // a gap: wrong until the next snapshot line
      this.waiting.length = 0;
      this.waiting.push(diff);
      return;
    }
    for (const [price, qty] of diff.bids) this.bids.set(parseFixed(price), parseFixed(qty));
    for (const [price, qty] of diff.asks) this.asks.set(parseFixed(price), parseFixed(qty));
    this.lastUpdateId = diff.last;
  }
}

function isLevels(value: unknown): value is Array<[string, string]> {
  return (
    Array.isArray(value) &&
    value.every((l) => Array.isArray(l) && typeof l[0] === 'string' && typeof l[1] === 'string')
  );
}
