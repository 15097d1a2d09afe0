import { SERVED_STREAM_SUFFIXES } from './frame-output.js';

/**
 * Binance stream names: `<symbol>@<kind>`, the symbol lower-case. The simulator serves
 * the diff depth streams (`@depth@100ms`, `@depth` = 1000 ms), `@trade`, `@aggTrade` and
 * `@bookTicker`; other well-formed Binance streams (klines, tickers, partial depth) are
 * refused with a message that says so, rather than accepted and left silent.
 */
const WELL_FORMED = /^[a-z0-9]{2,20}@[A-Za-z0-9_@!]+$/;

export type StreamCheck =
  { readonly ok: true; readonly symbol: string } | { readonly ok: false; readonly reason: string };

/** `alsoServed`: streams a replayed recording carries beyond the generated kinds. */
export function checkStreamName(stream: string, alsoServed?: ReadonlySet<string>): StreamCheck {
  if (!WELL_FORMED.test(stream)) {
    return {
      ok: false,
      reason: `invalid stream name "${stream}" (expected <symbol>@<stream> with a lower-case symbol, e.g. btcusdt@depth@100ms)`,
    };
  }
  const at = stream.indexOf('@');
  const suffix = stream.slice(at + 1);
  if (alsoServed?.has(stream)) return { ok: true, symbol: stream.slice(0, at).toUpperCase() };
  if (!(SERVED_STREAM_SUFFIXES as readonly string[]).includes(suffix)) {
    return {
      ok: false,
      reason: `the simulator does not serve "${stream}"; it serves <symbol>@${SERVED_STREAM_SUFFIXES.join(', @')}`,
    };
  }
  return { ok: true, symbol: stream.slice(0, at).toUpperCase() };
}

/** Streams named in a URL path or query: `a/b/c`, empty parts ignored. */
export function splitStreamList(list: string): string[] {
  return list.split('/').filter((part) => part !== '');
}
