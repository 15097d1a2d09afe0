import { recordMarket } from '../engine/recording/recorder.js';
import { startSimulator } from './start-simulator.js';

/**
 * How assets/sample-recording.jsonl is made: the simulator (seed 7, BTCUSDT + ETHUSDT,
 * rare dropped diffs so the file holds a few gaps each followed by a fresh snapshot)
 * recorded for 75 s by the same recorder as `lockstep record`. Equivalent by hand:
 *   lockstep sim --port 9443 --seed 7 --faults drop=0.003
 *   lockstep record --url ws://127.0.0.1:9443 --symbols BTCUSDT,ETHUSDT --duration 75 \
 *     --out assets/sample-recording.jsonl
 * Run: node dist/main/sim/make-sample-recording.js [OUT] [SECONDS]
 */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'assets/sample-recording.jsonl';
  const seconds = Number(process.argv[3] ?? 75);
  const sim = await startSimulator({ port: 0, seed: 7, faults: 'drop=0.003' });
  try {
    const result = await recordMarket({
      url: sim.url,
      restUrl: sim.restUrl,
      symbols: ['BTCUSDT', 'ETHUSDT'],
      out,
      durationMs: seconds * 1000,
      onProgress: (p) => console.error(`${p.frames} frames, ${p.snapshots} snapshots, ${p.gaps} gaps`),
    });
    console.log(`wrote ${out}: ${result.frames} frames, ${result.snapshots} snapshots, ${result.gaps} gaps, ${(result.bytes / 1e6).toFixed(2)} MB`);
  } finally {
    await sim.close();
  }
}

void main();
