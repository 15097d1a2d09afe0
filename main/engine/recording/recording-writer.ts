import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';

/**
 * Appends recording lines (docs/ARCHITECTURE.md §4) with the payload text exactly as received.
 * A path ending in .gz is gzipped. Writes are queued by the stream; `close()` flushes.
 */
export class RecordingWriter {
  frames = 0;
  snapshots = 0;
  bytes = 0;
  private readonly file: WriteStream;
  private readonly out: WriteStream | Gzip;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.file = createWriteStream(path);
    this.file.on('error', (error) => (this.failure = error));
    if (path.endsWith('.gz')) {
      const gzip = createGzip();
      gzip.pipe(this.file);
      this.out = gzip;
    } else {
      this.out = this.file;
    }
  }

  /** A stream frame: `data` is the raw payload text (the combined frame's "data"). */
  writeFrame(tsUs: number, stream: string, data: string): void {
    this.write(`{"ts":${Math.trunc(tsUs)},"stream":${JSON.stringify(stream)},"data":${data}}\n`);
    this.frames++;
  }

  /** A REST depth snapshot body as received. */
  writeSnapshot(tsUs: number, symbol: string, data: string): void {
    this.write(
      `{"ts":${Math.trunc(tsUs)},"snapshot":${JSON.stringify(symbol)},"data":${data.trim()}}\n`,
    );
    this.snapshots++;
  }

  async close(): Promise<void> {
    this.out.end();
    if (!this.file.closed) await once(this.file, 'close');
    if (this.failure) throw new Error(`writing ${this.path} failed: ${this.failure.message}`);
  }

  private write(line: string): void {
    if (this.failure) throw new Error(`writing ${this.path} failed: ${this.failure.message}`);
    this.bytes += line.length;
    this.out.write(line);
  }
}
