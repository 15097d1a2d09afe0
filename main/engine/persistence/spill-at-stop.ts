import { spillToJournal, type JournalTables } from './row-journal.js';
import type { PersistenceWriter, PersistenceWriterOptions } from './sqlite-writer.js';

/**
 * What the persistence thread does with rows it could not write when the engine stops:
 * they go to the journal beside the database (row-journal.ts) instead of vanishing with
 * the process. Returns the journal's path, or null when nothing was left (or the database
 * is in memory). If even the journal cannot be written, `report` says how many rows are
 * lost and why — loudly, since nothing else can keep them.
 */
export function spillUnwritten(
  writer: PersistenceWriter,
  dbPath: string,
  tables: JournalTables,
  report: (msg: string) => void,
): string | null {
  if (writer.pendingRows() === 0 || dbPath === ':memory:') return null;
  const rows = writer.takeUnwritten();
  const total = rows.count + rows.control.length;
  try {
    const path = spillToJournal(dbPath, tables, rows);
    report(
      `persistence: ${total} rows could not be written to ${dbPath}; kept in ${path}, written first at the next start`,
    );
    return path;
  } catch (error) {
    report(
      `persistence: ${total} rows could not be written to ${dbPath} nor to its journal (${error instanceof Error ? error.message : String(error)}); they are lost`,
    );
    return null;
  }
}

/**
 * The test seam for a full disk: LOCKSTEP_FAULT_DB_FULL_AFTER_ROWS=<n> makes every write
 * after the first n rows fail with SQLITE_FULL (sqlite-writer.ts `failAfterRows`). Unset
 * in normal use.
 */
export function injectedFault(): Pick<PersistenceWriterOptions, 'failAfterRows'> {
  const raw = process.env.LOCKSTEP_FAULT_DB_FULL_AFTER_ROWS;
  if (raw === undefined || raw === '') return {};
  const rows = Number(raw);
  if (!Number.isInteger(rows) || rows < 0)
    throw new Error(
      `LOCKSTEP_FAULT_DB_FULL_AFTER_ROWS must be a whole number of rows, got ${JSON.stringify(raw)}`,
    );
  return { failAfterRows: rows };
}
