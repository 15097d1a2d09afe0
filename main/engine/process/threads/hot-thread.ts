import { parentPort } from 'node:worker_threads';
import { PersistRecord, writeFlushRow } from '../../../../shared/records.js';
import { monoNowUs } from '../../core/clock.js';
import { MarketSnapshots } from '../../core/market-snapshot.js';
import { readRecordingBytes } from '../../recording/recording-bytes.js';
import { readRecording } from '../../recording/recording-reader.js';
import { loadMlSignal } from '../../strategy/signals/ml-signal.js';
import { HotLoop } from '../hot-loop.js';
import { ReplayClock } from '../replay-clock.js';
import { startLiveFeed } from '../market-live-source.js';
import { attachEngine, pushWaiting, runWorker, StagedRows, Throttle } from '../thread-kit.js';
import type { HotThreadMessage, WorkerReport } from '../worker-messages.js';
import type { LogFn } from '../../../../shared/log.js';

const STRATEGY_FINISHED = 0x7fffffff;

/**
 * The hot thread (layout "hot", docs/ARCHITECTURE.md §1): market data → book → features → signal →
 * risk → order → paper broker in one loop (HotLoop), no hand-over between the stages.
 *
 * Live, the WebSocket lives in this thread: its message callback runs the whole tick
 * synchronously, so the frame's bytes reach the broker with no ring and no wake-up in
 * between. Trader commands arrive on the command ring; the engine main thread also posts
 * a one-word wake-up message, so a command is acted on even while no frame comes.
 * `engine.keep_warm` runs dry passes of the path between frames: `spin` back to back
 * (one busy core, the only one: on 2 cores at most one thread may spin), yielding to the
 * event loop after each so a frame waits at most one pass; `timer` one a millisecond,
 * sleeping in between (docs/LAYOUT.md compares them).
 *
 * Replay reads the recording here too, on its own clock, as fast as the loop goes.
 */
runWorker('hot', async () => {
  const engine = attachEngine();
  const { wiring, control, shared } = engine;
  const config = wiring.config;
  const replay = wiring.mode === 'replay';
  const persist = engine.ring('execution_to_persistence');
  const signalRing = engine.ring('strategy_to_persistence');
  const commands = engine.ring('host_to_execution');
  const persistence = control.doorbell('persistence');
  // Rows are published to the rings, and the persistence thread woken, after each tick.
  const rows = new StagedRows([persist, signalRing], persistence, control);
  // Log lines leave after the tick too: posting one to the main thread serialises it and
  // wakes that thread's loop (a syscall), which the kill switch's halt paid before it
  // counted as acted. They are rare, so a plain array holds them until then.
  const pendingLogs: WorkerReport[] = [];
  const log: LogFn = (level, msg, data) =>
    pendingLogs.push({ kind: 'log', level, msg, ...(data ? { data } : {}) });
  const afterTick = (): void => {
    rows.flush();
    if (pendingLogs.length === 0) return;
    for (const report of pendingLogs) engine.report(report);
    pendingLogs.length = 0;
  };
  // Replays run inference in lockstep (awaited per tick) so its answers land on the same
  // ticks every run; live, inference runs beside the loop and applies on a later tick.
  const ml = await loadMlSignal(
    config,
    (level, msg) => log(level, msg),
    replay ? 'lockstep' : 'async',
  );
  const loop = new HotLoop({
    config,
    control,
    snapshots: MarketSnapshots.attach(wiring.snapshots),
    nextOrderId: () => shared.nextOrderId(),
    persistRow: (record) => rows.push(0, record),
    signalRow: (record) => rows.push(1, record),
    log,
    ml,
    ...(wiring.restored ? { restored: wiring.restored } : {}),
    keepWarm: !replay && config.engine.keep_warm !== 'off',
    killSwitchStampUs: () => shared.stateChangeUs(),
    killSwitchActed: (stampUs) => shared.stateChangeActed(stampUs),
    onDrawdownHalt: (reason) => engine.report({ kind: 'drawdown-halt', reason }),
  });

  // Posting copies each report (about 0.1 ms apiece): the trading-state word is read
  // after each, as it is between the reports' pieces.
  const publish = (): void => {
    for (const report of loop.reports()) {
      engine.report(report);
      loop.syncControl();
    }
  };
  const finish = (timing?: { readonly readStartedUs: number }): void => {
    loop.drainCommands(commands);
    publish();
    afterTick();
    const flush = new Float64Array(PersistRecord.SLOTS);
    writeFlushRow(flush, 0);
    pushWaiting(persist, flush, persistence, control);
    control.setDoneSeq('strategy', STRATEGY_FINISHED);
    const summaries = loop.summaries();
    engine.report({ kind: 'done', thread: 'market', summary: { ...summaries.market, ...timing } });
    engine.report({ kind: 'done', thread: 'strategy', summary: summaries.strategy });
    engine.report({ kind: 'done', thread: 'execution', summary: summaries.execution });
    engine.report({ kind: 'done', thread: 'hot' });
  };

  if (replay) {
    const replayFile = wiring.replayFile;
    if (!replayFile) throw new Error('replay mode needs a recording file');
    const pipeline = loop.pipeline;
    const throttle = new Throttle(1000 / config.engine.ui_hz);
    const clock = wiring.replayClock ? ReplayClock.attach(wiring.replayClock) : null;
    // Between lines: the trader's commands and the window's reports (a paced replay in the
    // window may wait here for seconds, paused).
    const serve = (): void => {
      if (commands.hasData()) loop.drainCommands(commands);
      afterTick();
      if (throttle.due(Date.now())) publish();
    };
    const prefix = `${replayFile}:`;
    let lastTs = 0;
    let lines = 0;
    const readStartedUs = monoNowUs();
    if (ml === null && clock === null) {
      // As fast as the loop goes: frames as views of the file's bytes, no per-line await,
      // and the line number set as a number (the `file:line` text is made only to log).
      pipeline.source = replayFile;
      await readRecordingBytes(
        replayFile,
        {
          frame: (bytes, start, end, tsUs, lineNo) => {
            lastTs = tsUs;
            pipeline.sourceLine = lineNo;
            loop.onFrame(bytes, tsUs, monoNowUs(), start, end);
            afterTick();
            if ((++lines & 1023) === 0) serve();
          },
          snapshot: (symbol, data, tsUs, lineNo) => {
            lastTs = tsUs;
            pipeline.sourceLine = lineNo;
            pipeline.onSnapshot(symbol, data, tsUs, monoNowUs());
            afterTick();
          },
          malformed: (lineNo, reason) => {
            pipeline.counters.malformed++;
            log('warn', `${prefix}${lineNo}: malformed line skipped: ${reason}`);
          },
        },
        () => control.stopRequested(),
      );
    } else {
      // Paced by the window's replay clock, or with a model whose inference settles
      // before the next line (lockstep, so it lands on the same ticks every run).
      for await (const event of readRecording(replayFile)) {
        if (control.stopRequested()) break;
        if (clock && event.kind !== 'malformed') {
          const wait = clock.pace(event.tsUs, () => control.stopRequested(), serve);
          if (wait !== null) await wait;
          if (control.stopRequested()) break;
        }
        pipeline.source = prefix + event.lineNo;
        if (event.kind === 'frame') {
          lastTs = event.tsUs;
          loop.onFrame(event.data, event.tsUs, monoNowUs());
        } else if (event.kind === 'snapshot') {
          lastTs = event.tsUs;
          pipeline.onSnapshot(event.symbol, event.data, event.tsUs, monoNowUs());
        } else {
          pipeline.counters.malformed++;
          log('warn', `${prefix}${event.lineNo}: malformed line skipped: ${event.reason}`);
        }
        if (ml !== null) {
          const inference = loop.core.idle();
          if (inference !== null) await inference;
        }
        afterTick();
        clock?.passed(lastTs, pipeline.counters.bookUpdates);
        if (clock !== null || (++lines & 1023) === 0) serve();
      }
      clock?.finish();
    }
    pipeline.source = '';
    pipeline.sourceLine = 0;
    pipeline.end(lastTs);
    finish({ readStartedUs });
    return;
  }

  const feed = startLiveFeed(
    config,
    loop.pipeline,
    (data, tsUs, t0Us) => {
      loop.onFrame(data, tsUs, t0Us);
      afterTick();
    },
    log,
  );
  // The main thread's wake-up after a command or a trading-state change. The reports go
  // out at once: the window shows a halt's cancelled orders (and `settled`) within
  // milliseconds, not at the next tick of ui_hz.
  parentPort?.on('message', (message: HotThreadMessage) => {
    if (message.kind === 'wake') {
      loop.drainCommands(commands);
      afterTick();
      publish();
    }
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    void feed.close().then(() => {
      finish();
      process.exit(0);
    });
  };
  const timer = setInterval(() => {
    if (control.stopRequested()) return stop();
    loop.drainCommands(commands);
    afterTick();
    publish();
  }, 1000 / config.engine.ui_hz);
  const warmPass = (): void => {
    if (commands.hasData()) loop.drainCommands(commands);
    else loop.syncControl();
    afterTick();
    loop.warmPass();
  };
  if (loop.keepsWarm && config.engine.keep_warm === 'spin') {
    const spin = (): void => {
      if (stopping) return;
      warmPass();
      setImmediate(spin);
    };
    setImmediate(spin);
  } else if (loop.keepsWarm) {
    const warmTimer = setInterval(() => (stopping ? clearInterval(warmTimer) : warmPass()), 1);
  }
});
