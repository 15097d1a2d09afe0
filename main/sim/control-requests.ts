import type { StreamCheck } from './stream-names.js';

/**
 * Binance's live control messages on a market-stream connection (web-socket-streams.md,
 * "Live Subscribing/Unsubscribing to streams"): SUBSCRIBE, UNSUBSCRIBE,
 * LIST_SUBSCRIPTIONS, SET_PROPERTY / GET_PROPERTY ("combined"), with Binance's answers
 * `{"result": ..., "id": ...}` and its error objects `{"code", "msg", "id"}`.
 */
export interface ControlTarget {
  combined: boolean;
  readonly streams: ReadonlySet<string>;
  subscribe(stream: string): void;
  unsubscribe(stream: string): void;
}

/** Binance: a connection listens to at most 1024 streams. */
export const MAX_STREAMS_PER_CONNECTION = 1024;

const METHODS = [
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'LIST_SUBSCRIPTIONS',
  'SET_PROPERTY',
  'GET_PROPERTY',
] as const;
const ALNUM_ID = /^[A-Za-z0-9]{1,36}$/;

type RequestId = number | string | null;

/** Answers one text message; the returned JSON goes back on the same connection. */
export function answerControlMessage(
  text: string,
  target: ControlTarget,
  check: (stream: string) => StreamCheck,
): string {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    return JSON.stringify({
      code: 3,
      msg: `Invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return JSON.stringify({
      code: 2,
      msg: 'Invalid request: expected a JSON object with "method", "params" and "id"',
    });
  }
  const fields = request as Record<string, unknown>;
  const id = fields.id;
  if (!isRequestId(id)) {
    return JSON.stringify({
      code: 2,
      msg: 'Invalid request: request ID must be an unsigned integer',
    });
  }
  const fail = (code: number, msg: string): string => JSON.stringify({ code, msg, id });
  const ok = (result: unknown): string => JSON.stringify({ result, id });
  const method = fields.method;
  if (method === undefined) return fail(2, 'Invalid request: missing field `method`');
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    return fail(
      2,
      `Invalid request: unknown variant \`${String(method)}\`, expected one of ${METHODS.map((m) => `\`${m}\``).join(', ')}`,
    );
  }
  const params = fields.params;
  switch (method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
        return fail(2, 'Invalid request: params must be an array of stream names');
      }
      const streams = params as string[];
      for (const stream of streams) {
        const verdict = check(stream);
        if (!verdict.ok) return fail(2, `Invalid request: ${verdict.reason}`);
      }
      if (method === 'SUBSCRIBE') {
        const added = streams.filter((s) => !target.streams.has(s));
        if (target.streams.size + new Set(added).size > MAX_STREAMS_PER_CONNECTION) {
          return fail(
            2,
            `Invalid request: a connection can listen to at most ${MAX_STREAMS_PER_CONNECTION} streams`,
          );
        }
        for (const stream of streams) target.subscribe(stream);
      } else {
        for (const stream of streams) target.unsubscribe(stream);
      }
      return ok(null);
    }
    case 'LIST_SUBSCRIPTIONS':
      if (Array.isArray(params) && params.length > 0)
        return fail(2, 'Invalid request: too many parameters');
      return ok([...target.streams]);
    case 'SET_PROPERTY': {
      if (!Array.isArray(params) || typeof params[0] !== 'string')
        return fail(2, 'Invalid request: property name must be a string');
      if (params.length > 2) return fail(2, 'Invalid request: too many parameters');
      if (params[0] !== 'combined') return fail(0, 'Unknown property');
      if (typeof params[1] !== 'boolean') return fail(1, 'Invalid value type: expected Boolean');
      target.combined = params[1];
      return ok(null);
    }
    default: {
      // GET_PROPERTY
      if (!Array.isArray(params) || typeof params[0] !== 'string')
        return fail(2, 'Invalid request: property name must be a string');
      if (params.length > 1) return fail(2, 'Invalid request: too many parameters');
      if (params[0] !== 'combined') return fail(0, 'Unknown property');
      return ok(target.combined);
    }
  }
}

function isRequestId(id: unknown): id is RequestId {
  if (id === null) return true;
  if (typeof id === 'number') return Number.isSafeInteger(id);
  return typeof id === 'string' && ALNUM_ID.test(id);
}
