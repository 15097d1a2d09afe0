import { z } from 'zod';
import { textOf } from './text-of.js';
import { parseFixed } from '../../../shared/domain.js';

/**
 * A REST depth snapshot (`GET /api/v3/depth`): `{"lastUpdateId", "bids", "asks"}`.
 * Snapshots are rare (a connect, a gap), so they are read with JSON.parse + zod into one
 * reused object; a malformed snapshot is refused with the reason and changes nothing.
 */
export class DepthSnapshot {
  lastUpdateId = 0;
  bidCount = 0;
  askCount = 0;
  bidPrices: Float64Array = new Float64Array(0);
  bidQtys: Float64Array = new Float64Array(0);
  askPrices: Float64Array = new Float64Array(0);
  askQtys: Float64Array = new Float64Array(0);

  /** Reads data into this object. Returns null when valid, else why not. */
  read(data: Uint8Array | string | object): string | null {
    let raw: unknown = data;
    if (typeof data === 'string' || data instanceof Uint8Array) {
      try {
        raw = JSON.parse(textOf(data));
      } catch (error) {
        return `snapshot is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    const result = SnapshotSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return `snapshot ${issue.path.join('.') || 'body'}: ${issue.message}`;
    }
    const { lastUpdateId, bids, asks } = result.data;
    this.lastUpdateId = lastUpdateId;
    if (this.bidPrices.length < bids.length) {
      this.bidPrices = new Float64Array(bids.length);
      this.bidQtys = new Float64Array(bids.length);
    }
    if (this.askPrices.length < asks.length) {
      this.askPrices = new Float64Array(asks.length);
      this.askQtys = new Float64Array(asks.length);
    }
    bids.forEach(([price, qty], i) => {
      this.bidPrices[i] = price;
      this.bidQtys[i] = qty;
    });
    asks.forEach(([price, qty], i) => {
      this.askPrices[i] = price;
      this.askQtys[i] = qty;
    });
    this.bidCount = bids.length;
    this.askCount = asks.length;
    return null;
  }
}

const decimal = (what: string, positive: boolean) =>
  z.string().transform((text, ctx) => {
    const units = parseFixed(text);
    if (Number.isNaN(units) || (positive && units <= 0)) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be a ${positive ? 'positive ' : ''}plain decimal with at most 8 decimals, got "${text}"`,
      });
      return z.NEVER;
    }
    return units;
  });

const level = z.tuple([decimal('price', true), decimal('quantity', false)]);

const SnapshotSchema = z.object({
  lastUpdateId: z.number().int().min(0),
  bids: z.array(level),
  asks: z.array(level),
});
