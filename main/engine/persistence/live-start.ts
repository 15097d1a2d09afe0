import { existsSync } from 'node:fs';
import { restoreBrokerState, type BrokerRestoreState } from './restore.js';
import { openDatabase } from './schema.js';
import { checkDatabaseAtStart, type StartupCheck } from './startup-check.js';
import { EMPTY_WINDOW_HISTORY, loadWindowHistory, type WindowHistory } from './window-history.js';

/** What a live engine reads of its database before any thread starts. */
export interface LiveStart {
  readonly check: StartupCheck;
  readonly restored: BrokerRestoreState;
  readonly history: WindowHistory;
}

/**
 * The start-up reads in order on as few connections as they allow: the check (which may
 * replace a damaged file and writes the journal, so it needs its own writable one), then
 * the broker's state and the window's history from one read-only connection.
 */
export function readLiveStart(
  dbPath: string,
  symbols: readonly string[],
  strategyIds: readonly string[],
): LiveStart {
  const check = checkDatabaseAtStart(dbPath);
  if (dbPath === ':memory:' || !existsSync(dbPath))
    return {
      check,
      restored: restoreBrokerState(dbPath, symbols, strategyIds),
      history: EMPTY_WINDOW_HISTORY,
    };
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return {
      check,
      restored: restoreBrokerState(db, symbols, strategyIds),
      history: loadWindowHistory(db),
    };
  } finally {
    db.close();
  }
}
