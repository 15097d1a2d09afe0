import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseRecordingLine, type RecordingEvent } from './recording-line.js';

/** Opens a file as a text stream, gunzipping when it starts with the gzip magic bytes. */
function openTextStream(path: string): Readable {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path} does not exist`
        : `cannot open ${path}: ${(error as Error).message}`,
    );
  }
  const magic = Buffer.alloc(2);
  const read = readSync(fd, magic, 0, 2, 0);
  closeSync(fd);
  const file = createReadStream(path);
  if (read === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    const gunzip = createGunzip();
    file.on('error', (error) => gunzip.destroy(error));
    return file.pipe(gunzip);
  }
  return file;
}

/** Lines of a (possibly gzipped) text file with their 1-based numbers; blank lines skipped. */
export async function* readLines(path: string): AsyncGenerator<{ lineNo: number; line: string }> {
  const lines = createInterface({ input: openTextStream(path), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    yield { lineNo, line };
  }
}

/**
 * Streams a recording (DESIGN.md §4), plain or .gz, one event per non-blank line. A bad
 * line is yielded as `malformed` with its line number and reason; reading goes on.
 */
export async function* readRecording(path: string): AsyncGenerator<RecordingEvent> {
  for await (const { lineNo, line } of readLines(path)) yield parseRecordingLine(line, lineNo);
}
