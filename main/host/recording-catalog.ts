import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readLines } from '../engine/recording/recording-reader.js';
import { parseRecordingLine } from '../engine/recording/recording-line.js';

/**
 * The recordings the window may replay: the files in the data directory (and its
 * `recordings/` folder) that look like recordings, plus the bundled sample. The window
 * chooses by name from this list; a name is never a path, so a page cannot make the host
 * read an arbitrary file.
 */
const RECORDING = /\.(jsonl|jsonl\.gz|gz)$/i;

export interface CatalogEntry {
  readonly name: string;
  readonly path: string;
}

/** Where the bundled sample lives relative to the compiled host (dist/main/host → assets). */
export function defaultSampleRecording(): string | null {
  const candidate = path.resolve(__dirname, '..', '..', '..', 'assets', 'sample-recording.jsonl');
  return existsSync(candidate) ? candidate : null;
}

export function listRecordings(dataDir: string, sample: string | null): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const folder of ['', 'recordings']) {
    const dir = path.join(dataDir, folder);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = path.join(dir, name);
      if (!RECORDING.test(name)) continue;
      try {
        if (!statSync(file).isFile()) continue;
      } catch {
        continue;
      }
      entries.push({ name: folder ? `${folder}/${name}` : name, path: file });
    }
  }
  if (sample !== null && !entries.some((e) => e.name === path.basename(sample)))
    entries.push({ name: path.basename(sample), path: sample });
  return entries;
}

/** The recording's first and last receive times (µs; 0 when a line has none). */
export async function recordingSpan(
  file: string,
): Promise<{ firstTsUs: number; lastTsUs: number }> {
  let firstTsUs = 0;
  let lastLine: { lineNo: number; line: string } | null = null;
  for await (const entry of readLines(file)) {
    if (entry.line === null) continue; // an overlong line: the engine reports it, it has no time here
    if (firstTsUs === 0) {
      const event = parseRecordingLine(entry.line, entry.lineNo);
      if (event.kind !== 'malformed') firstTsUs = event.tsUs;
    }
    lastLine = { lineNo: entry.lineNo, line: entry.line };
  }
  let lastTsUs = firstTsUs;
  if (lastLine !== null) {
    const event = parseRecordingLine(lastLine.line, lastLine.lineNo);
    if (event.kind !== 'malformed') lastTsUs = event.tsUs;
  }
  return { firstTsUs, lastTsUs };
}
