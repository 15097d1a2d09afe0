import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Config, StrategyParams } from '../../../../shared/config.js';
import type { FeatureVector } from '../features/feature-vector.js';
import {
  LOGREG_INPUT_NAME,
  LOGREG_OUTPUT_NAME,
  ModelLoadError,
  normaliseInto,
  readLogRegSidecar,
  sidecarPathFor,
  type LogRegSidecar,
} from './logreg-model.js';
import {
  holdingPeriodMs,
  SignalKind,
  SignalResult,
  strengthAboveThreshold,
  type SignalGenerator,
} from './signal-generator.js';
import type { LogFn } from '../../../../shared/log.js';

/**
 * How inference meets the tick loop:
 * - `async` (live): inference never runs on the tick. `generate` starts one
 *   `session.run` for the current features when none is in flight (at most ONE in
 *   flight; a tick that finds one running starts nothing and is counted as `skippedBusy`)
 *   and answers with the result of an EARLIER tick's inference that has completed since
 *   the symbol's last tick, each result used once. A result lands when the strategy
 *   thread's event loop turns, so the thread must yield now and then (see idle()).
 * - `lockstep` (replay, deterministic): the same one-tick-late rule, made exact: tick k of
 *   a symbol is answered by the inference of that symbol's tick k − 1, and the driver
 *   MUST `await idle()` after every tick so that inference has finished; finding it still
 *   running is an error, not a skip. The same recording then yields the same signals.
 */
export type MlInferenceMode = 'async' | 'lockstep';

export interface MlSignalOptions {
  readonly mode?: MlInferenceMode;
  /** Symbols the strategy trades (results are kept per symbol). */
  readonly symbolCount?: number;
}

export interface MlStats {
  inferences: number;
  skippedBusy: number;
  failures: number;
}

/**
 * Signal from the logistic-regression model shipped in assets/models (trained by
 * `lockstep train-model`): p = P(next mid move is up | features), s = 2p − 1, then the
 * imbalance rules with s in place of I:
 *   |s| < imbalance_threshold → none
 *   strength   = sign(s) · min(1, (|s| − θ) / (1 − θ))
 *   confidence = max(p, 1 − p); below min_confidence → suppressed
 *   holding_period_ms = clamp(1000 / |s|, 100, 10000)
 * onnxruntime-node on the CPU, one thread (the machine's cores belong to the rings).
 */
export class MLSignalGenerator implements SignalGenerator {
  readonly stats: MlStats = { inferences: 0, skippedBusy: 0, failures: 0 };
  /** Set after an inference fails; StrategyCore then falls back to the imbalance strategy. */
  lastError: Error | null = null;
  /** The model's latest answer per symbol (P(next mid up)), NaN before the first: for display and tests. */
  readonly probabilities: Float64Array;

  private threshold: number;
  private minConfidence: number;
  private readonly result = new SignalResult();
  private readonly input: Float32Array;
  private readonly raw: Float64Array;
  private readonly feeds: Record<string, ort.Tensor>;
  private readonly featureSlots: Int32Array;
  private slotsFor: readonly string[] | null = null;
  /** Per symbol: the probability waiting to be used, or NaN. */
  private readonly ready: Float64Array;
  private inFlight = false;
  private inFlightSymbol = 0;
  private idlePromise: Promise<void> | null = null;
  private resolveIdle: (() => void) | null = null;
  private readonly onResult: (output: ort.InferenceSession.ReturnType) => void;
  private readonly onFailure: (error: unknown) => void;

  private constructor(
    readonly strategyId: string,
    readonly meta: LogRegSidecar,
    private readonly session: ort.InferenceSession,
    params: StrategyParams,
    readonly mode: MlInferenceMode,
    symbolCount: number,
  ) {
    this.threshold = params.imbalance_threshold;
    this.minConfidence = params.min_confidence;
    const n = meta.feature_names.length;
    this.input = new Float32Array(n);
    this.raw = new Float64Array(n);
    // The tensor views `input`; rewriting `input` between runs feeds the next run.
    this.feeds = { [LOGREG_INPUT_NAME]: new ort.Tensor('float32', this.input, [1, n]) };
    this.featureSlots = new Int32Array(n);
    this.ready = new Float64Array(symbolCount).fill(NaN);
    this.probabilities = new Float64Array(symbolCount).fill(NaN);
    this.onResult = (output) => {
      const probability = output[LOGREG_OUTPUT_NAME]?.data[0];
      if (typeof probability === 'number' && probability >= 0 && probability <= 1) {
        this.ready[this.inFlightSymbol] = probability;
        this.probabilities[this.inFlightSymbol] = probability;
      } else {
        this.fail(
          new Error(
            `the model's ${LOGREG_OUTPUT_NAME} output is not a probability: ${String(probability)}`,
          ),
        );
      }
      this.settle();
    };
    this.onFailure = (error) => {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      this.settle();
    };
  }

  /**
   * Loads `modelPath` (ONNX) and its sidecar JSON. Throws ModelLoadError with a sentence
   * naming the file and the problem: missing, unreadable, malformed, or not the graph the
   * sidecar describes.
   */
  static async load(
    modelPath: string,
    strategyId: string,
    params: StrategyParams,
    options: MlSignalOptions = {},
  ): Promise<MLSignalGenerator> {
    if (!existsSync(modelPath))
      throw new ModelLoadError(`the ML model ${modelPath} does not exist`);
    const meta = readLogRegSidecar(sidecarPathFor(modelPath));
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new ModelLoadError(
        `the ML model ${modelPath} cannot be loaded by onnxruntime: ${(error as Error).message}`,
      );
    }
    if (
      !session.inputNames.includes(LOGREG_INPUT_NAME) ||
      !session.outputNames.includes(LOGREG_OUTPUT_NAME)
    ) {
      await session.release();
      throw new ModelLoadError(
        `the ML model ${modelPath} has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; expected input "${LOGREG_INPUT_NAME}" and output "${LOGREG_OUTPUT_NAME}"`,
      );
    }
    const generator = new MLSignalGenerator(
      strategyId,
      meta,
      session,
      params,
      options.mode ?? 'async',
      options.symbolCount ?? 8,
    );
    // One probe run proves the graph accepts the sidecar's width before the engine trusts it.
    try {
      await session.run(generator.feeds);
    } catch (error) {
      await session.release();
      throw new ModelLoadError(
        `the ML model ${modelPath} does not accept ${meta.feature_names.length} features as its sidecar says: ${(error as Error).message}`,
      );
    }
    return generator;
  }

  setParams(params: StrategyParams): void {
    this.threshold = params.imbalance_threshold;
    this.minConfidence = params.min_confidence;
  }

  generate(features: FeatureVector): SignalResult {
    const symbol = features.symbolIndex;
    const result = this.result.setNone();
    if (this.inFlight && this.mode === 'lockstep') {
      throw new Error(
        'ML inference of the previous tick is still running: in lockstep mode await idle() after every tick',
      );
    }
    const probability = this.ready[symbol]!;
    this.ready[symbol] = NaN;
    if (!this.inFlight) this.start(features);
    else this.stats.skippedBusy++;
    if (Number.isNaN(probability)) return result;

    const score = 2 * probability - 1;
    if (!(Math.abs(score) >= this.threshold)) return result;
    result.strength = strengthAboveThreshold(score, this.threshold);
    result.confidence = probability > 0.5 ? probability : 1 - probability;
    result.holdingPeriodMs = holdingPeriodMs(score);
    result.kind = result.confidence < this.minConfidence ? SignalKind.SUPPRESSED : SignalKind.FIRED;
    return result;
  }

  /** Resolves when no inference is in flight; null when none is (so the caller need not await). */
  idle(): Promise<void> | null {
    if (!this.inFlight) return null;
    // Made on demand: live ticks that never wait allocate no promise of ours.
    this.idlePromise ??= new Promise<void>((resolve) => {
      this.resolveIdle = resolve;
    });
    return this.idlePromise;
  }

  /**
   * Checks once, before trading, that the strategy computes every feature the model
   * needs; throws ModelLoadError naming the missing one.
   */
  bindFeatures(features: FeatureVector): void {
    this.slotsOf(features);
  }

  async close(): Promise<void> {
    await this.idle();
    await this.session.release();
  }

  private start(features: FeatureVector): void {
    const slots = this.slotsOf(features);
    const values = features.values;
    for (let j = 0; j < slots.length; j++) this.raw[j] = values[slots[j]!]!;
    normaliseInto(this.meta, this.raw, this.input);
    this.inFlight = true;
    this.inFlightSymbol = features.symbolIndex;
    this.stats.inferences++;
    let running: Promise<ort.InferenceSession.ReturnType>;
    try {
      running = this.session.run(this.feeds);
    } catch (error) {
      // A released or broken session may throw before it returns a promise.
      this.onFailure(error);
      return;
    }
    running.then(this.onResult, this.onFailure);
  }

  private settle(): void {
    this.inFlight = false;
    const resolve = this.resolveIdle;
    this.resolveIdle = null;
    this.idlePromise = null;
    resolve?.();
  }

  private fail(error: Error): void {
    this.stats.failures++;
    this.lastError = error;
  }

  private slotsOf(features: FeatureVector): Int32Array {
    if (this.slotsFor !== features.names) {
      this.meta.feature_names.forEach((name, j) => {
        if (!features.has(name)) {
          throw new ModelLoadError(
            `the ML model needs feature "${name}", which the strategy does not compute (it has ${features.names.join(', ')})`,
          );
        }
        this.featureSlots[j] = features.slot(name);
      });
      this.slotsFor = features.names;
    }
    return this.featureSlots;
  }
}

/**
 * Loads the configured model (`strategy.model_path`) when `strategy.enable_ml` is on. A
 * missing or malformed model must not stop trading: the reason is logged as a warning
 * and null comes back, which StrategyCore takes as "trade the imbalance strategy".
 * Replays pass mode `lockstep` and await StrategyCore.idle() after every tick.
 */
export async function loadMlSignal(
  config: Config,
  log: LogFn,
  mode: MlInferenceMode = 'async',
): Promise<MLSignalGenerator | null> {
  if (!config.strategy.enable_ml) return null;
  try {
    return await MLSignalGenerator.load(
      config.strategy.model_path,
      config.strategy.strategy_id,
      config.strategy.params,
      {
        mode,
        symbolCount: config.strategy.symbols.length,
      },
    );
  } catch (error) {
    log('warn', `${(error as Error).message}; falling back to the imbalance strategy`);
    return null;
  }
}
