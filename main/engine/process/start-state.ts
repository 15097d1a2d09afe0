import type { KillSwitchChange } from '../../../shared/api.js';
import type { StartupCheck } from '../persistence/startup-check.js';

/**
 * The trading state an engine starts in (docs/ARCHITECTURE.md §1): HALTED after a crash, a damaged
 * database or rows of the last run that still cannot be written, with that reason; else the state last recorded in `kill_switch_events`, so a
 * trader's halt (or reduce-only) stays in force after a quit; ACTIVE only when the last
 * record says so or there is none. `record` says whether the start itself is a new event
 * for the audit trail (a restored state is not: it is the last row already).
 */
export interface StartState {
  readonly view: KillSwitchChange;
  readonly record: boolean;
}

export function startState(
  restartReason: string | undefined,
  check: StartupCheck | null,
  nowUs: number,
): StartState {
  const halted = (reason: string): StartState => ({
    view: { state: 'HALTED', reason, source: 'engine', changedUs: nowUs },
    record: true,
  });
  // A crash, a damaged file and rows still unwritten each halt; all reasons are shown.
  const reasons = [restartReason, check?.damaged, check?.journal.problem].filter(
    (reason): reason is string => typeof reason === 'string',
  );
  if (reasons.length > 0) return halted(reasons.join('; '));
  const last = check?.lastKillSwitch ?? null;
  if (last === null || last.state === 'ACTIVE') {
    return {
      view: { state: 'ACTIVE', reason: 'engine started', source: 'trader', changedUs: nowUs },
      record: false,
    };
  }
  const what = last.state === 'HALTED' ? 'halted' : 'set to reduce only';
  return {
    view: {
      state: last.state,
      reason: `${what} by the ${last.source} before the last quit: ${last.reason}`,
      source: last.source,
      changedUs: last.changedUs,
    },
    record: false,
  };
}
