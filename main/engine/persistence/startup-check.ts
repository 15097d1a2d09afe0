import { existsSync, renameSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { KillSwitchChange } from '../../../shared/api.js';
import { loadLastKillSwitch } from './restore.js';
import { replayJournal, type JournalReplay } from './row-journal.js';
import { openDatabase } from './schema.js';
import { injectedFault } from './spill-at-stop.js';

/**
 * What the live engine checks of its database before anything reads or writes it
 * (docs/ARCHITECTURE.md §7): the file opens, `PRAGMA quick_check` finds it sound, and which trading
 * state was recorded last. A damaged file is never used or overwritten: it is moved aside
 * with a timestamp (with its -wal and -shm files), a fresh one is created in its place,
 * and the engine starts HALTED saying so. Rows an earlier run could not write (its
 * journal) are written before anything is read. A path that cannot be opened at all (a missing
 * folder, a directory, no permission) is an error that names the path.
 */

export interface StartupCheck {
  /** The last row of kill_switch_events, or null (none, or a fresh database). */
  readonly lastKillSwitch: KillSwitchChange | null;
  /** Why the database was replaced, or null when it was sound. */
  readonly damaged: string | null;
  /** The journal of rows an earlier run could not write, written first (row-journal.ts). */
  readonly journal: JournalReplay;
}

class DatabaseUnusableError extends Error {}

export function checkDatabaseAtStart(path: string, now: Date = new Date()): StartupCheck {
  let db: Database.Database;
  try {
    db = openDatabase(path);
  } catch (error) {
    if (!isDamageError(error)) throw unusable(path, error);
    return afterReplacing(path, replaceDamaged(path, describe(error), now));
  }
  let problem: string | null;
  try {
    problem = quickCheck(db);
  } catch (error) {
    if (!isDamageError(error)) {
      db.close();
      throw unusable(path, error);
    }
    problem = describe(error);
  }
  if (problem !== null) {
    db.close();
    return afterReplacing(path, replaceDamaged(path, problem, now));
  }
  try {
    // The journal first: its rows (fills, and the last kill-switch events) are part of
    // what the engine restores.
    const journal = replayJournal(db, path, injectedFault());
    return { lastKillSwitch: loadLastKillSwitch(db), damaged: null, journal };
  } finally {
    db.close();
  }
}

/** A fresh database replaced a damaged one: the journal's rows are still the last run's. */
function afterReplacing(path: string, damaged: string): StartupCheck {
  const db = openDatabase(path);
  try {
    return { lastKillSwitch: null, damaged, journal: replayJournal(db, path, injectedFault()) };
  } finally {
    db.close();
  }
}

/** null when sound, else the first findings of quick_check in one line. */
function quickCheck(db: Database.Database): string | null {
  const rows = db.pragma('quick_check(20)') as Array<{ quick_check: string }>;
  // A finding may span lines, headed by "*** in database main ***": one problem a line.
  const findings = rows
    .flatMap((row) => row.quick_check.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'ok' && !/^\*\*\* in database/.test(line));
  if (findings.length === 0) return null;
  const count = `${findings.length}${findings.length >= 20 ? '+' : ''}`;
  return `quick_check found ${count} problem${findings.length === 1 ? '' : 's'}, first: ${findings[0]}`;
}

/** Moves the damaged file (and its WAL and shared-memory files) aside, creates a fresh one. */
function replaceDamaged(path: string, problem: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let aside = `${path}.damaged-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${path}.damaged-${stamp}-${n}`;
  try {
    renameSync(path, aside);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    }
  } catch (error) {
    throw unusable(path, error, `it is damaged (${problem}) and could not be moved aside`);
  }
  try {
    openDatabase(path).close();
  } catch (error) {
    throw unusable(path, error);
  }
  return `the database ${path} was damaged (${problem}); it was moved to ${aside} and a fresh one was created — positions and orders start empty, check the old file before re-arming`;
}

/** The file is there but is not a sound database (as opposed to a path that cannot be opened). */
function isDamageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function unusable(path: string, error: unknown, what?: string): DatabaseUnusableError {
  return new DatabaseUnusableError(
    `cannot use the database ${path}: ${what ?? describe(error)}; check persistence.path and that its folder exists and is writable`,
    { cause: error },
  );
}
