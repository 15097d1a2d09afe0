import { z } from 'zod';
import { parseFixed } from '../../../shared/domain.js';
import { FrameKind, type ParsedFrame } from './parsed-frame.js';
import type { SymbolTable } from './symbol-table.js';

/**
 * The authoritative (slow) reading of a stream frame: JSON.parse + zod. The byte scanner
 * hands every frame it is not certain about to this path, so an unexpected but valid
 * frame (other key order, escapes, exponents in ids, unknown events) is still understood,
 * and a malformed one gets a reason naming the field. Rules here and in frame-scanner.ts
 * must agree; the differential test holds them to it.
 */

const uint = z.number().int().min(0);

function decimalField(what: string, positive: boolean) {
  return z.string().transform((text, ctx) => {
    const units = parseFixed(text);
    if (Number.isNaN(units)) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must be a plain decimal with at most 8 decimals, got "${text}"`,
      });
      return z.NEVER;
    }
    if (positive && units <= 0) {
      ctx.addIssue({ code: 'custom', message: `${what} must be positive, got "${text}"` });
      return z.NEVER;
    }
    return units;
  });
}

const price = decimalField('price', true);
const quantity = decimalField('quantity', false);
const tickerPrice = decimalField('price', false);
const symbol = z.string().min(1);
const level = z.tuple([price, quantity]);

const DepthSchema = z
  .object({
    e: z.literal('depthUpdate'),
    E: uint,
    s: symbol,
    U: uint,
    u: uint,
    pu: z.number().int().optional(),
    b: z.array(level),
    a: z.array(level),
  })
  .refine((d) => d.U <= d.u, {
    message: 'U (first update id) must not exceed u (last update id)',
    path: ['U'],
  });

const TradeSchema = z.object({
  e: z.literal('trade'),
  E: uint,
  s: symbol,
  t: uint,
  p: price,
  q: quantity,
  T: uint,
  m: z.boolean(),
  M: z.boolean().optional(),
  b: uint.optional(),
  a: uint.optional(),
});

const BookTickerSchema = z.object({
  e: z.literal('bookTicker').optional(),
  E: uint.optional(),
  T: uint.optional(),
  u: uint,
  s: symbol,
  b: tickerPrice,
  B: quantity,
  a: tickerPrice,
  A: quantity,
});

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses text into frame. Returns null on success, else the reason the frame is
 * malformed (the frame is then left with kind NONE).
 */
export function parseFrameFallback(
  text: string,
  symbols: SymbolTable,
  frame: ParsedFrame,
): string | null {
  frame.reset();
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isObject(root)) return 'frame is not a JSON object';
  let payload: JsonObject = root;
  let where = '';
  if (Object.hasOwn(root, 'stream') || Object.hasOwn(root, 'data')) {
    if (typeof root.stream !== 'string') return 'combined-stream frame needs a string "stream"';
    if (!isObject(root.data)) return 'combined-stream frame needs an object "data"';
    payload = root.data;
    where = 'data.';
  }
  const event = payload.e;
  if (event === undefined || event === 'bookTicker') {
    const result = BookTickerSchema.safeParse(payload);
    if (!result.success) return describe(result.error, where, 'bookTicker');
    const t = result.data;
    frame.kind = FrameKind.BOOK_TICKER;
    frame.symbolIndex = symbols.indexOf(t.s);
    frame.eventTime = t.E ?? 0;
    frame.lastUpdateId = t.u;
    frame.bestBidPrice = t.b;
    frame.bestBidQty = t.B;
    frame.bestAskPrice = t.a;
    frame.bestAskQty = t.A;
    return null;
  }
  if (event === 'depthUpdate') {
    const result = DepthSchema.safeParse(payload);
    if (!result.success) return describe(result.error, where, 'depthUpdate');
    const d = result.data;
    frame.kind = FrameKind.DEPTH;
    frame.symbolIndex = symbols.indexOf(d.s);
    frame.eventTime = d.E;
    frame.firstUpdateId = d.U;
    frame.lastUpdateId = d.u;
    frame.prevUpdateId = d.pu ?? -1;
    for (const [p, q] of d.b) frame.pushBid(p, q);
    for (const [p, q] of d.a) frame.pushAsk(p, q);
    return null;
  }
  if (event === 'trade') {
    const result = TradeSchema.safeParse(payload);
    if (!result.success) return describe(result.error, where, 'trade');
    const t = result.data;
    frame.kind = FrameKind.TRADE;
    frame.symbolIndex = symbols.indexOf(t.s);
    frame.eventTime = t.E;
    frame.tradeId = t.t;
    frame.price = t.p;
    frame.qty = t.q;
    frame.tradeTime = t.T;
    frame.buyerMaker = t.m;
    return null;
  }
  if (typeof event !== 'string') return `${where}e must be a string naming the event`;
  frame.kind = FrameKind.IGNORED;
  frame.symbolIndex = typeof payload.s === 'string' ? symbols.indexOf(payload.s) : -1;
  frame.eventTime = typeof payload.E === 'number' ? payload.E : 0;
  return null;
}

function describe(error: z.ZodError, where: string, event: string): string {
  const issue = error.issues[0]!;
  const path = where + issue.path.join('.');
  const message = issue.code === 'custom' ? issue.message : issue.message.toLowerCase();
  return `${event} ${path}: ${message}`;
}
