/**
 * The thread's heap in use, read at most once a second. process.memoryUsage() reads /proc
 * and took about 0.1 ms of every UI-rate report on the trading thread; the soak bench,
 * its only reader, samples once a minute.
 */
export class HeapSampler {
  private readMs = -Infinity;
  private bytes = 0;

  usedBytes(nowMs = Date.now()): number {
    if (nowMs - this.readMs >= 1000) {
      this.readMs = nowMs;
      this.bytes = process.memoryUsage().heapUsed;
    }
    return this.bytes;
  }
}
