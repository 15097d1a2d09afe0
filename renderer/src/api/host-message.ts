import type { CommandAck, EngineState, HostMessage } from '../../../shared/api.js';
import type { Config } from '../../../shared/config.js';

/**
 * Checks a message from the host before the window trusts it. The shape is checked down
 * to the fields the window indexes into, so a malformed message is reported and dropped
 * instead of crashing a panel half-way through a frame.
 */
export type ParsedHostMessage =
  | { readonly ok: true; readonly message: HostMessage }
  | { readonly ok: false; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const STATE_ARRAYS = [
  'books',
  'trades',
  'signals',
  'orders',
  'fills',
  'positions',
  'paramHistory',
  'symbols',
] as const;
const STATE_RECORDS = [
  'signalCounts',
  'totals',
  'killSwitch',
  'health',
  'params',
  'riskLimits',
] as const;

/** Returns what is wrong with a state payload, or null when it has the EngineState shape. */
export function engineStateProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'state is not an object';
  if (!isNumber(value.seq)) return 'state.seq is not a number';
  if (!isNumber(value.tsUs)) return 'state.tsUs is not a number';
  for (const key of STATE_ARRAYS)
    if (!Array.isArray(value[key])) return `state.${key} is not an array`;
  for (const key of STATE_RECORDS)
    if (!isRecord(value[key])) return `state.${key} is not an object`;
  const health = value.health as Record<string, unknown>;
  if (!isNumber(health.restarts)) return 'state.health.restarts is not a number';
  if (!isRecord(health.tickToTrade)) return 'state.health.tickToTrade is not an object';
  if (!isRecord(health.ringUtilization)) return 'state.health.ringUtilization is not an object';
  const killSwitch = value.killSwitch as Record<string, unknown>;
  if (
    killSwitch.state !== 'ACTIVE' &&
    killSwitch.state !== 'REDUCING' &&
    killSwitch.state !== 'HALTED'
  ) {
    return `state.killSwitch.state is ${JSON.stringify(killSwitch.state)}, not ACTIVE, REDUCING or HALTED`;
  }
  if (typeof killSwitch.settled !== 'boolean') return 'state.killSwitch.settled is not a boolean';
  for (const book of value.books as unknown[]) {
    if (
      !isRecord(book) ||
      typeof book.symbol !== 'string' ||
      !Array.isArray(book.bids) ||
      !Array.isArray(book.asks)
    ) {
      return 'state.books holds an entry without symbol, bids and asks';
    }
  }
  return null;
}

function ackProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'ack is not an object';
  if (value.ok === true) return null;
  if (value.ok === false && typeof value.reason === 'string') return null;
  return 'ack has neither ok: true nor ok: false with a reason';
}

export function parseHostMessage(text: string): ParsedHostMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      reason: `host message is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (!isRecord(raw)) return { ok: false, reason: 'host message is not an object' };
  switch (raw.kind) {
    case 'state': {
      const problem = engineStateProblem(raw.state);
      if (problem !== null) return { ok: false, reason: `host state message refused: ${problem}` };
      return { ok: true, message: { kind: 'state', state: raw.state as EngineState } };
    }
    case 'ack': {
      if (!isNumber(raw.id)) return { ok: false, reason: 'host ack message has no numeric id' };
      const problem = ackProblem(raw.ack);
      if (problem !== null) return { ok: false, reason: `host ack message refused: ${problem}` };
      return { ok: true, message: { kind: 'ack', id: raw.id, ack: raw.ack as CommandAck } };
    }
    case 'config':
      if (!isRecord(raw.config))
        return { ok: false, reason: 'host config message has no config object' };
      return { ok: true, message: { kind: 'config', config: raw.config as Config } };
    default:
      return { ok: false, reason: `host message has unknown kind ${JSON.stringify(raw.kind)}` };
  }
}
