import { MarketHeader, MarketKind } from '../../../../shared/records.js';
import { monoNowUs } from '../../core/clock.js';
import { MarketSnapshots } from '../../core/market-snapshot.js';
import { MarketPipeline } from '../../market/market-pipeline.js';
import { startLiveFeed } from '../market-live-source.js';
import { replayRecording } from '../market-replay-source.js';
import { MarketReporter } from '../market-report.js';
import { ReplayClock } from '../replay-clock.js';
import { attachEngine, pushWaiting, runWorker, Throttle } from '../thread-kit.js';
import type { LogFn } from '../../../../shared/log.js';

/**
 * The market-data thread: frames in (from the exchange, or a recording in replay), the
 * order book, and market records out to the strategy and execution rings. It also keeps
 * the MarketSnapshot seqlock current for any reader and reports the book to the window
 * at ≤ ui_hz. Event-driven (WebSocket or file reads), so it never parks on a ring.
 */
runWorker('market', async () => {
  const engine = attachEngine();
  const { wiring, control } = engine;
  const symbols = wiring.symbols;
  const toStrategy = engine.ring('market_to_strategy');
  const toExecution = engine.ring('market_to_execution');
  const strategyBell = control.doorbell('strategy');
  const executionBell = control.doorbell('execution');
  const snapshots = MarketSnapshots.attach(wiring.snapshots);
  const frameStage = control.histogram('parse');
  const depthLevels = wiring.config.strategy.params.depth_levels;
  const log: LogFn = (level, msg, data) =>
    engine.report({ kind: 'log', level, msg, ...(data ? { data } : {}) });

  let reporter: MarketReporter | null = null;

  const header = new MarketHeader();
  const sink = (record: Float64Array): void => {
    const h = header.at(record, 0);
    const kind = h.kind;
    h.mdUs = kind === MarketKind.END ? 0 : monoNowUs() - h.t0Us;
    if (kind === MarketKind.BOOK) reporter!.writeSnapshot(record);
    else if (kind === MarketKind.TRADE) reporter!.onTrade(record);
    pushWaiting(toStrategy, record, strategyBell, control);
    pushWaiting(toExecution, record, executionBell, control);
  };

  const pipeline = new MarketPipeline(symbols, { log }, sink);
  reporter = new MarketReporter(pipeline, control, snapshots, depthLevels);

  const onFrame = (data: Uint8Array | string, tsUs: number, t0Us: number): void => {
    pipeline.onFrame(data, tsUs, t0Us);
    frameStage.record((monoNowUs() - t0Us) * 1000);
  };

  const throttle = new Throttle(1000 / wiring.config.engine.ui_hz);
  const report = (): void => engine.report(reporter.report());

  if (wiring.mode === 'replay') {
    const replayFile = wiring.replayFile;
    if (!replayFile) throw new Error('replay mode needs a recording file');
    const readStartedUs = monoNowUs();
    await replayRecording(replayFile, pipeline, onFrame, {
      log,
      stopRequested: () => control.stopRequested(),
      ...(wiring.replayClock ? { clock: ReplayClock.attach(wiring.replayClock) } : {}),
      onProgress: () => {
        if (throttle.due(Date.now())) report();
      },
    });
    report();
    engine.report({
      kind: 'done',
      thread: 'market',
      summary: { ...pipeline.counters, readStartedUs },
    });
    return;
  }

  const feed = startLiveFeed(wiring.config, pipeline, onFrame, log);
  const timer = setInterval(() => {
    if (control.stopRequested()) {
      clearInterval(timer);
      void feed.close().then(() => {
        report();
        engine.report({ kind: 'done', thread: 'market', summary: { ...pipeline.counters } });
        process.exit(0);
      });
      return;
    }
    report();
  }, 1000 / wiring.config.engine.ui_hz);
});
