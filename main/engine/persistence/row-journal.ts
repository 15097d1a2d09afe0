import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type Database from 'better-sqlite3';
import { PersistRecord } from '../../../shared/records.js';
import {
  PersistenceWriter,
  type PersistenceWriterOptions,
  type UnwrittenControlRow,
  type UnwrittenRows,
} from './sqlite-writer.js';

/**
 * The journal beside the database (`<db>.journal`, docs/ARCHITECTURE.md §7): rows the writer could
 * not store (a full disk, a read-only file) when the process stopped are appended here,
 * and written first, before anything reads the database, at the next start. One JSON
 * line per spill; the records' float64 slots travel as base64 bytes, so every value comes
 * back bit for bit, with the symbol and strategy tables their indexes refer to.
 */

interface JournalEntry {
  readonly v: 1;
  readonly symbols: readonly string[];
  readonly strategyIds: readonly string[];
  readonly count: number;
  /** count × PersistRecord.SLOTS float64 values, little-endian, base64. */
  readonly records: string;
  readonly control: readonly UnwrittenControlRow[];
}

export interface JournalTables {
  readonly symbols: readonly string[];
  readonly strategyIds: readonly string[];
}

const journalPathFor = (dbPath: string): string => `${dbPath}.journal`;

/** Appends the rows to the journal (flushed to disk); returns its path. */
export function spillToJournal(dbPath: string, tables: JournalTables, rows: UnwrittenRows): string {
  const path = journalPathFor(dbPath);
  const fd = openSync(path, 'a', 0o600);
  try {
    appendFileSync(fd, `${JSON.stringify(entryOf(tables, rows))}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

export interface JournalReplay {
  /** Rows written from the journal. */
  readonly written: number;
  /** Rows still only in the journal (the write failed again), with why; 0 and null when done. */
  readonly left: number;
  readonly problem: string | null;
}

/**
 * Writes a journal's rows into the open database, oldest first, and deletes the journal
 * once all are stored. If a write fails again, the rows not yet stored are written back to
 * the journal (atomically: the old one is replaced only by a complete new one) and the
 * problem is returned: nothing is lost and nothing is written twice.
 */
export function replayJournal(
  db: Database.Database,
  dbPath: string,
  /** The full-disk test seam (spill-at-stop.ts `injectedFault`), as the persistence thread gets it. */
  fault: Pick<PersistenceWriterOptions, 'failAfterRows'> = {},
): JournalReplay {
  const path = journalPathFor(dbPath);
  if (!existsSync(path)) return { written: 0, left: 0, problem: null };
  const entries = readEntries(path);
  let written = 0;
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e]!;
    let failure: string | null = null;
    const writer = new PersistenceWriter(db, {
      ...fault,
      symbols: entry.symbols,
      strategyIds: entry.strategyIds,
      onError: (error) => (failure ??= error.message),
      onRowsWritten: (rows) => (written += rows),
    });
    for (const item of entry.control) {
      if (item.kind === 'param') writer.writeParamChange(item.row);
      else writer.writeKillSwitchEvent(item.row);
    }
    const records = decodeRecords(entry);
    for (let i = 0; i < entry.count; i++) writer.writeRecord(records, i * PersistRecord.SLOTS);
    writer.flush();
    if (writer.pendingRows() > 0) {
      const rest = [entryOf(entry, writer.takeUnwritten()), ...entries.slice(e + 1)];
      const left = rest.reduce((sum, r) => sum + r.count + r.control.length, 0);
      rewrite(path, rest);
      return {
        written,
        left,
        problem: `${left} rows kept in ${path} from an earlier run could not be written to the database (${failure ?? 'unknown error'}); they stay in the journal`,
      };
    }
  }
  rmSync(path);
  return { written, left: 0, problem: null };
}

function entryOf(tables: JournalTables, rows: UnwrittenRows): JournalEntry {
  const bytes = Buffer.from(
    rows.records.buffer,
    rows.records.byteOffset,
    rows.count * PersistRecord.SLOTS * 8,
  );
  return {
    v: 1,
    symbols: tables.symbols,
    strategyIds: tables.strategyIds,
    count: rows.count,
    records: bytes.toString('base64'),
    control: rows.control,
  };
}

function decodeRecords(entry: JournalEntry): Float64Array {
  const bytes = Buffer.from(entry.records, 'base64');
  const records = new Float64Array(entry.count * PersistRecord.SLOTS);
  new Uint8Array(records.buffer).set(bytes.subarray(0, records.byteLength));
  return records;
}

function readEntries(path: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        throw new Error(
          `journal ${path} line ${index + 1} is not JSON; move the file aside to start without it`,
        );
      }
      const bytes = Buffer.from(String(entry.records), 'base64').length;
      if (
        entry.v !== 1 ||
        !Number.isInteger(entry.count) ||
        bytes !== entry.count * PersistRecord.SLOTS * 8
      )
        throw new Error(
          `journal ${path} line ${index + 1} is not a Lockstep journal entry (version ${String(entry.v)}, ${entry.count} rows, ${bytes} bytes); move the file aside to start without it`,
        );
      entries.push(entry);
    });
  return entries;
}

function rewrite(path: string, entries: readonly JournalEntry[]): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), {
    mode: 0o600,
  });
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
