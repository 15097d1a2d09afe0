import { allBenchStages } from '../engine/bench/all-stages.js';
import {
  formatEngineRuns,
  formatReplayRows,
  machineLoad,
  runEngineSection,
  runReplaySection,
  type ReplayRow,
} from '../engine/bench/engine-bench.js';
import { codeOnHugePagesMiB } from '../engine/process/engine-node-flags.js';
import { runSoak } from '../engine/bench/engine-soak.js';
import {
  formatPeerBooks,
  measurePeerBooks,
  type PeerBooksResult,
} from '../engine/bench/peer-books.js';
import type { LiveEngineRun } from '../engine/bench/live-engine.js';
import {
  benchRowsToJson,
  formatBenchTable,
  runBench,
  type BenchRow,
} from '../engine/bench/run-bench.js';
import { ENGINE_LAYOUTS, validateConfig } from '../../shared/config.js';
import { booleanOption, numberOption, stringOption, type CommandSpec } from './args.js';

const SECTIONS = ['stages', 'peers', 'engine', 'replay'] as const;
/** The configured default: what `tick_to_trade` in --json reports. */
const DEFAULT_WARM_MODE = validateConfig({}).engine.keep_warm;
type Section = (typeof SECTIONS)[number];

function parseList<T extends string>(text: string, allowed: readonly T[], option: string): T[] {
  const items = text.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new Error(`--${option}: "${item}" is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}

function parseRates(text: string): number[] {
  return text.split(',').map((item) => {
    const rate = Number(item);
    if (!Number.isInteger(rate) || rate < 1 || rate > 10_000)
      throw new Error(`--rates: "${item}" is not a whole number of frames per second (1–10000)`);
    return rate;
  });
}

const progress = (what: string): boolean => process.stderr.write(`bench: ${what}…\n`);

/** `lockstep bench`: the latency budget table of docs/ARCHITECTURE.md §8, the running engine, replay. */
export const benchCommand: CommandSpec = {
  name: 'bench',
  summary:
    'the latency budget table (every stage, p50/p99/p99.9), the running engine against the simulator, and replay speed',
  usage:
    'bench [--json] [--sections stages,peers,engine,replay] [--filter TEXT] [--rates 10,100,1000] [--seconds N] [--soak MINUTES [--layout hot|pipeline]]',
  options: [
    {
      name: 'json',
      kind: 'boolean',
      description:
        'print one JSON object on one line; its tick_to_trade is the live hot engine (default keep_warm) at 100 frames/s (µs)',
    },
    {
      name: 'sections',
      kind: 'string',
      value: 'LIST',
      description:
        'which parts to run: stages, peers (ccxt and JSON.parse + Map on the fixture frames), engine, replay (default all; with --filter, stages and peers)',
    },
    {
      name: 'filter',
      kind: 'string',
      value: 'TEXT',
      description:
        'only stages whose name or group contains TEXT (case-insensitive); "peers" picks the peers section',
    },
    {
      name: 'rates',
      kind: 'string',
      value: 'LIST',
      description: 'simulator frames per second for the engine runs (default 10,100,1000)',
    },
    {
      name: 'seconds',
      kind: 'number',
      value: 'N',
      description: 'measured seconds per engine run, after a 2 s warm-up (default 8)',
    },
    {
      name: 'soak',
      kind: 'number',
      value: 'MINUTES',
      description:
        'instead: run the engine trading at 1,000 frames/s for MINUTES and print RSS, heaps and tick-to-trade per minute',
    },
    {
      name: 'layout',
      kind: 'string',
      value: 'hot|pipeline',
      description: 'the engine layout of the soak (default hot)',
    },
  ],
  async run(options) {
    const json = booleanOption(options, 'json');
    const soakMinutes = numberOption(options, 'soak');
    if (soakMinutes !== undefined) {
      if (!(soakMinutes > 0)) throw new Error(`--soak must be a positive number of minutes`);
      const layout = parseList(stringOption(options, 'layout') ?? 'hot', ENGINE_LAYOUTS, 'layout');
      if (layout.length !== 1) throw new Error('--layout takes one layout: hot or pipeline');
      console.log(
        `soak: ${layout[0]} engine, 1000 frames/s, ${soakMinutes} min; load ${machineLoad().join(' ')}`,
      );
      await runSoak({
        minutes: soakMinutes,
        framesPerSecond: 1000,
        layout: layout[0]!,
        keepWarm: layout[0] === 'hot' ? DEFAULT_WARM_MODE : 'off',
        onMinute: (m) =>
          console.log(
            json
              ? JSON.stringify({ ...m, load: machineLoad() })
              : `minute ${m.minute}: rss ${m.rssMb} MB, main heap ${m.mainHeapMb} MB, trading-thread heap ${m.tradingHeapMb ?? '—'} MB, ${m.orders} orders, tick-to-trade p50 ${m.p50Us ?? '—'} µs p99 ${m.p99Us ?? '—'} µs, load ${machineLoad().join(' ')}`,
          ),
      });
      return 0;
    }
    const sectionsText = stringOption(options, 'sections');
    const filter = stringOption(options, 'filter')?.toLowerCase();
    // A filter narrows the tables (stages and peers); the engine runs are asked for by name.
    const sections: readonly Section[] =
      sectionsText !== undefined
        ? parseList(sectionsText, SECTIONS, 'sections')
        : filter !== undefined
          ? ['stages', 'peers']
          : SECTIONS;
    const wantPeers =
      sections.includes('peers') && (filter === undefined || 'peers'.includes(filter));
    const rates = parseRates(stringOption(options, 'rates') ?? '10,100,1000');
    const seconds = numberOption(options, 'seconds') ?? 8;
    if (!(seconds >= 1 && seconds <= 3600))
      throw new Error(`--seconds must be from 1 to 3600, got ${seconds}`);
    const loadBefore = machineLoad();

    let rows: BenchRow[] = [];
    if (sections.includes('stages')) {
      const all = allBenchStages();
      const stages =
        filter === undefined
          ? all
          : all.filter(
              (stage) =>
                stage.name.toLowerCase().includes(filter) ||
                stage.group.toLowerCase().includes(filter),
            );
      if (stages.length === 0 && !wantPeers) {
        throw new Error(
          `no bench stage matches --filter "${stringOption(options, 'filter')}"; the stages are: ${all.map((s) => s.name).join('; ')}; and peers`,
        );
      }
      // Progress goes to stderr so `--json` output stays parseable.
      rows = await runBench(stages, (stage) => progress(stage.name));
    }
    let peers: PeerBooksResult | null = null;
    if (wantPeers) {
      progress('peers on the fixture frames');
      peers = measurePeerBooks();
    }
    let runs: LiveEngineRun[] = [];
    if (sections.includes('engine'))
      runs = await runEngineSection({ rates, seconds, onRun: progress });
    let replay: ReplayRow[] = [];
    if (sections.includes('replay')) {
      progress('replay of the BTCUSDT fixture');
      replay = await runReplaySection();
    }
    const load = machineLoad();
    const hugePagesMiB = codeOnHugePagesMiB();

    if (json) {
      const live = runs.find(
        (r) => r.layout === 'hot' && r.keepWarm === DEFAULT_WARM_MODE && r.framesPerSecond === 100,
      );
      console.log(
        JSON.stringify({
          load_average: { before: loadBefore, after: load },
          code_on_huge_pages_mib: hugePagesMiB,
          tick_to_trade: live
            ? { p50: live.p50Us, p99: live.p99Us, p999: live.p999Us, orders: live.measured }
            : null,
          engine: runs.map((r) => ({
            layout: r.layout,
            keep_warm: r.keepWarm,
            frames_per_second: r.framesPerSecond,
            delivered_per_second: r.deliveredPerSecond,
            seconds: r.seconds,
            orders: r.measured,
            fills: r.fills,
            p50_us: r.p50Us,
            p99_us: r.p99Us,
            p999_us: r.p999Us,
            ...(r.killSwitch
              ? {
                  kill_switch_us: {
                    p50: r.killSwitch.p50Us,
                    p99: r.killSwitch.p99Us,
                    p999: r.killSwitch.p999Us,
                    count: r.killSwitch.count,
                    unacted: r.killSwitch.unacted,
                  },
                }
              : {}),
          })),
          replay: replay.map((r) => ({
            layout: r.layout,
            passes: r.passes,
            messages: r.messages,
            elapsed_ms: r.elapsedMs,
            messages_per_second: r.messagesPerSecond,
            startup_ms: r.startupMs,
          })),
          stages: benchRowsToJson(rows),
          ...(peers === null ? {} : { peers }),
        }),
      );
      return 0;
    }
    const out: string[] = [];
    if (rows.length > 0) out.push(formatBenchTable(rows), '');
    if (peers !== null) out.push(formatPeerBooks(peers), '');
    if (runs.length > 0) out.push(formatEngineRuns(runs), '');
    if (replay.length > 0) out.push(formatReplayRows(replay), '');
    out.push(
      `machine load (1, 5, 15 min): ${loadBefore.join(' ')} before, ${load.join(' ')} after`,
      hugePagesMiB === null
        ? "Node's code on 2 MiB pages: unknown here (no /proc)"
        : hugePagesMiB > 0
          ? `Node's code on 2 MiB pages: ${hugePagesMiB} MiB (--use-largepages, as the engine runs)`
          : "Node's code on 4 KiB pages: run through `npm run cli`, which passes --use-largepages=silent as the engine gets it (or this OS has no transparent huge pages)",
    );
    console.log(out.join('\n'));
    return 0;
  },
};
