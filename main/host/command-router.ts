import { parseCommand, type Command, type CommandAck } from '../../shared/api.js';
import {
  checkNumber,
  RISK_LIMIT_SPECS,
  STRATEGY_PARAM_SPECS,
  type NumberSpec,
} from '../../shared/config.js';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import { isPriorityCommand, OrdinaryLane } from './command-lanes.js';

/**
 * Every command from any transport (Electron IPC, the headless WebSocket, tests) comes
 * through here. It is validated on arrival — a malformed payload is refused with a reason
 * and never reaches the engine — then forwarded with an id of the host's own (so ids from
 * different windows never collide), and the engine's ack is handed back. A command the
 * engine does not answer in time is refused, so no button waits forever. `subscribe` is
 * answered here (the host holds the latest state) and never forwarded. Ordinary commands
 * go to the engine a few at a time (command-lanes.ts); the kill switch, flatten and
 * cancel all go at once, so they never wait behind a flood of edits.
 */

export interface CommandRouterOptions {
  /** Sends to the engine; returns false when it is not running (nothing was sent). */
  readonly sendToEngine: (message: Extract<HostToEngine, { kind: 'command' }>) => boolean;
  /** Why commands cannot be sent right now, or null when the engine is up. */
  readonly engineUnavailable: () => string | null;
  readonly ackTimeoutMs?: number;
  /** Ordinary commands at the engine at once; the rest wait in the host (default 4). */
  readonly maxOrdinaryInFlight?: number;
}

export interface CommandRouter {
  /** Validates and forwards; always resolves with an ack (never rejects). */
  send(payload: unknown): Promise<CommandAck>;
  /** An ack from the engine. */
  handleAck(id: number, ack: CommandAck): void;
  /** The engine went away: every command still waiting is refused with `reason`. */
  refuseAllPending(reason: string): void;
  readonly pendingCount: number;
}

interface Pending {
  readonly resolve: (ack: CommandAck) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The schema accepts any string key in a patch (the set of parameters is the config's
 * business); the host checks keys and ranges here too, so an unknown key or an
 * out-of-range value is refused with the same words the config loader uses, before it
 * costs the engine anything. Cross-field rules need the live values: the engine checks them.
 */
function patchProblem(command: Command): string | null {
  if (command.type !== 'updateParams' && command.type !== 'updateRiskLimits') return null;
  const [specs, table, noun] =
    command.type === 'updateParams'
      ? [STRATEGY_PARAM_SPECS as Record<string, NumberSpec>, 'strategy.params', 'parameter']
      : [RISK_LIMIT_SPECS as Record<string, NumberSpec>, 'strategy.risk_limits', 'risk limit'];
  const entries = Object.entries(command.patch);
  if (entries.length === 0)
    return `invalid command: patch is empty; name at least one ${noun} to change`;
  const problems: string[] = [];
  for (const [key, value] of entries) {
    const spec = Object.prototype.hasOwnProperty.call(specs, key) ? specs[key] : undefined;
    if (!spec) {
      problems.push(`${table}.${key} is not a ${noun} (known: ${Object.keys(specs).join(', ')})`);
      continue;
    }
    const problem = checkNumber(`${table}.${key}`, spec, value);
    if (problem) problems.push(problem);
  }
  return problems.length ? `invalid command: ${problems.join('; ')}` : null;
}

/** Validates a payload: the command, or the reason it is refused. */
export function validateCommand(
  payload: unknown,
): { ok: true; command: Command } | { ok: false; reason: string } {
  const parsed = parseCommand(payload);
  if (!parsed.ok) return parsed;
  const problem = patchProblem(parsed.command);
  return problem ? { ok: false, reason: problem } : parsed;
}

export function createCommandRouter(options: CommandRouterOptions): CommandRouter {
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const settle = (id: number, ack: CommandAck): boolean => {
    const entry = pending.get(id);
    if (!entry) return false;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(ack);
    return true;
  };

  const lane = new OrdinaryLane(options.maxOrdinaryInFlight ?? 4);

  const dispatch = (command: Command): Promise<CommandAck> => {
    const unavailable = options.engineUnavailable();
    if (unavailable !== null)
      return Promise.resolve({ ok: false, reason: `${unavailable}; the command was not sent` });
    const id = nextId++;
    return new Promise<CommandAck>((resolve) => {
      const timer = setTimeout(
        () =>
          settle(id, {
            ok: false,
            reason: `engine did not answer within ${ackTimeoutMs / 1000} s; the command may still take effect — check the window before repeating it`,
          }),
        ackTimeoutMs,
      );
      pending.set(id, { resolve, timer });
      if (!options.sendToEngine({ kind: 'command', id, command })) {
        settle(id, { ok: false, reason: 'the engine is not running; the command was not sent' });
      }
    });
  };

  return {
    send(payload) {
      const validated = validateCommand(payload);
      if (!validated.ok) return Promise.resolve({ ok: false, reason: validated.reason });
      // The host holds the latest state; the transport that asked pushes it right away.
      if (validated.command.type === 'subscribe')
        return Promise.resolve({ ok: true, detail: 'subscribed' });
      const command = validated.command;
      // The kill switch and its kin go straight to the engine, past any waiting edits.
      return isPriorityCommand(command) ? dispatch(command) : lane.run(() => dispatch(command));
    },

    handleAck(id, ack) {
      // A late ack (after the timeout) has nobody waiting; it is dropped on purpose.
      settle(id, ack);
    },

    refuseAllPending(reason) {
      for (const id of [...pending.keys()]) settle(id, { ok: false, reason });
    },

    get pendingCount() {
      return pending.size;
    },
  };
}
