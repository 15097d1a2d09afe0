import { FEED_STATES, TradingStateCode } from '../../../shared/domain.js';
import {
  RISK_LIMIT_SPECS,
  STRATEGY_PARAM_SPECS,
  type RiskLimitKey,
  type RiskLimits,
  type StrategyParamKey,
  type StrategyParams,
} from '../../../shared/config.js';
import { monoNowUs } from './clock.js';
import {
  COUNTER_NAMES,
  DEFAULT_RING_NAMES,
  ENGINE_THREADS,
  LATENCY_STAGES,
  type CounterName,
  type EngineThread,
  type LatencyStage,
} from './control-tables.js';
import { Doorbell, DOORBELL_WORDS } from './doorbell.js';
import { LatencyHistogram } from './histogram.js';
import { CACHE_LINE_BYTES, SabLayout } from './sab-layout.js';

/**
 * The engine's shared control block (DESIGN.md §1): ONE SharedArrayBuffer every engine
 * thread attaches to with `ControlBlock.attach(buffer)`.
 *
 * Layout (each region starts on its own 64-byte cache line, in this order):
 *   header        Int32: MAGIC, VERSION, byte length of the description
 *   description   UTF-8 JSON of the options and tables it was built with, so `attach`
 *                 rebuilds the same layout from the buffer alone (and refuses a buffer
 *                 built from different tables)
 *   state         Int32: trading state (TradingStateCode), stop word
 *   feed          Int32 per symbol: index in FEED_STATES (written by the market thread)
 *   params        Int32 generation (seqlock) on its own line, then float64 slots: the
 *                 STRATEGY_PARAM_SPECS keys, then the RISK_LIMIT_SPECS keys, in order
 *   counters      two Uint32 words (low, high) per COUNTER_NAMES entry
 *   rings         float64 pairs per ring: utilization 0..1, full events
 *   barriers      Int32 per ENGINE_THREADS entry, one cache line each: replay done-seq
 *   doorbells     16 Int32 per engine thread (see doorbell.ts)
 *   histograms    LatencyHistogram.SLOTS float64 per LATENCY_STAGES entry
 *
 * Who writes what:
 * - trading state: the engine main thread (kill switch command) or any thread that
 *   halts on its own; everyone reads it with Atomics.load (the risk check before every
 *   order).
 * - params: one writer at a time (a compare-exchange on the generation makes concurrent
 *   writers take turns); the strategy thread reads between two ticks, all or nothing.
 * - counters: any thread (Atomics.add), readers anywhere.
 * - histograms: ONE writer thread per stage (plain stores; see histogram.ts).
 * - ring gauges: one monitor thread (the engine main thread).
 */

const MAGIC = 0x4c4f434b; // "LOCK"
const VERSION = 1;
const DESCRIPTION_MAX_BYTES = 16 * 1024;

const TRADING_STATE = 0;
const STOP = 1;

const PARAM_KEYS = Object.keys(STRATEGY_PARAM_SPECS) as StrategyParamKey[];
const LIMIT_KEYS = Object.keys(RISK_LIMIT_SPECS) as RiskLimitKey[];

const TRADING_STATE_CODES: readonly number[] = Object.values(TradingStateCode);

export interface ControlBlockOptions {
  /** The configured symbols, in order: feed states are indexed like them. */
  readonly symbols: readonly string[];
  /** Ring (channel) names for the utilization gauges; defaults to DEFAULT_RING_NAMES. */
  readonly ringNames?: readonly string[];
}

interface Description {
  readonly version: number;
  readonly symbols: readonly string[];
  readonly ringNames: readonly string[];
  readonly threads: readonly string[];
  readonly counters: readonly string[];
  readonly stages: readonly string[];
  readonly paramKeys: readonly string[];
  readonly limitKeys: readonly string[];
}

interface Offsets {
  readonly description: number;
  readonly state: number;
  readonly feed: number;
  readonly paramsGeneration: number;
  readonly params: number;
  readonly counters: number;
  readonly rings: number;
  readonly barriers: number;
  readonly doorbells: number;
  readonly histograms: number;
  readonly totalBytes: number;
}

function computeOffsets(description: Description, descriptionBytes: number): Offsets {
  const layout = new SabLayout();
  layout.reserve(CACHE_LINE_BYTES); // header
  const descriptionOffset = layout.reserve(descriptionBytes);
  const state = layout.reserve(8);
  const feed = layout.reserve(4 * description.symbols.length);
  const paramsGeneration = layout.reserve(4);
  const params = layout.reserve(8 * (description.paramKeys.length + description.limitKeys.length));
  const counters = layout.reserve(8 * description.counters.length);
  const rings = layout.reserve(16 * description.ringNames.length);
  const barriers = layout.reserve(CACHE_LINE_BYTES * description.threads.length);
  const doorbells = layout.reserve(CACHE_LINE_BYTES * description.threads.length);
  const histograms = layout.reserve(0);
  for (let i = 0; i < description.stages.length; i++) layout.reserve(8 * LatencyHistogram.SLOTS);
  return {
    description: descriptionOffset,
    state,
    feed,
    paramsGeneration,
    params,
    counters,
    rings,
    barriers,
    doorbells,
    histograms,
    totalBytes: layout.totalBytes,
  };
}

const histogramStride =
  Math.ceil((8 * LatencyHistogram.SLOTS) / CACHE_LINE_BYTES) * CACHE_LINE_BYTES;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export class ControlBlock {
  readonly buffer: SharedArrayBuffer;
  readonly symbols: readonly string[];
  readonly ringNames: readonly string[];
  private readonly stateWords: Int32Array;
  private readonly feedWords: Int32Array;
  private readonly generationWord: Int32Array;
  private readonly paramSlots: Float64Array;
  private readonly counterWords: Uint32Array;
  private readonly ringSlots: Float64Array;
  private readonly barrierWords: Int32Array;
  private readonly counterIndex: Readonly<Record<string, number>>;
  private readonly ringIndex: ReadonlyMap<string, number>;
  private readonly histograms: Readonly<Record<LatencyStage, LatencyHistogram>>;
  private readonly doorbells: Readonly<Record<EngineThread, Doorbell>>;

  private constructor(
    buffer: SharedArrayBuffer,
    description: Description,
    descriptionBytes: number,
  ) {
    const offsets = computeOffsets(description, descriptionBytes);
    if (buffer.byteLength < offsets.totalBytes) {
      throw new Error('ControlBlock.attach: the buffer is shorter than its own layout says');
    }
    this.buffer = buffer;
    this.symbols = description.symbols;
    this.ringNames = description.ringNames;
    this.stateWords = new Int32Array(buffer, offsets.state, 2);
    this.feedWords = new Int32Array(buffer, offsets.feed, description.symbols.length);
    this.generationWord = new Int32Array(buffer, offsets.paramsGeneration, 1);
    this.paramSlots = new Float64Array(
      buffer,
      offsets.params,
      PARAM_KEYS.length + LIMIT_KEYS.length,
    );
    this.counterWords = new Uint32Array(buffer, offsets.counters, 2 * COUNTER_NAMES.length);
    this.ringSlots = new Float64Array(buffer, offsets.rings, 2 * description.ringNames.length);
    this.barrierWords = new Int32Array(
      buffer,
      offsets.barriers,
      (CACHE_LINE_BYTES / 4) * ENGINE_THREADS.length,
    );
    const counterIndex: Record<string, number> = {};
    COUNTER_NAMES.forEach((name, i) => (counterIndex[name] = i));
    this.counterIndex = counterIndex;
    this.ringIndex = new Map(description.ringNames.map((name, i) => [name, i]));
    const histograms = {} as Record<LatencyStage, LatencyHistogram>;
    LATENCY_STAGES.forEach((stage, i) => {
      histograms[stage] = new LatencyHistogram(
        new Float64Array(buffer, offsets.histograms + i * histogramStride, LatencyHistogram.SLOTS),
      );
    });
    this.histograms = histograms;
    const doorbells = {} as Record<EngineThread, Doorbell>;
    ENGINE_THREADS.forEach((thread, i) => {
      doorbells[thread] = new Doorbell(
        new Int32Array(buffer, offsets.doorbells + i * CACHE_LINE_BYTES, DOORBELL_WORDS),
      );
    });
    this.doorbells = doorbells;
  }

  static create(options: ControlBlockOptions): ControlBlock {
    const symbols = [...options.symbols];
    const ringNames = [...(options.ringNames ?? DEFAULT_RING_NAMES)];
    if (symbols.length < 1)
      throw new RangeError('ControlBlock.create: at least one symbol is needed');
    if (new Set(ringNames).size !== ringNames.length) {
      throw new RangeError(
        `ControlBlock.create: ring names must be unique, got ${ringNames.join(', ')}`,
      );
    }
    const description: Description = {
      version: VERSION,
      symbols,
      ringNames,
      threads: [...ENGINE_THREADS],
      counters: [...COUNTER_NAMES],
      stages: [...LATENCY_STAGES],
      paramKeys: PARAM_KEYS,
      limitKeys: LIMIT_KEYS,
    };
    const encoded = new TextEncoder().encode(JSON.stringify(description));
    if (encoded.length > DESCRIPTION_MAX_BYTES) {
      throw new RangeError('ControlBlock.create: too many symbols or rings to describe');
    }
    const offsets = computeOffsets(description, encoded.length);
    const buffer = new SharedArrayBuffer(offsets.totalBytes);
    new Uint8Array(buffer, offsets.description, encoded.length).set(encoded);
    const header = new Int32Array(buffer, 0, 4);
    header[1] = VERSION;
    header[2] = encoded.length;
    Atomics.store(header, 0, MAGIC);
    const block = new ControlBlock(buffer, description, encoded.length);
    for (const stage of LATENCY_STAGES) block.histograms[stage].reset();
    return block;
  }

  static attach(buffer: SharedArrayBuffer): ControlBlock {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < CACHE_LINE_BYTES) {
      throw new Error('ControlBlock.attach: expected the SharedArrayBuffer of a control block');
    }
    const header = new Int32Array(buffer, 0, 4);
    if (Atomics.load(header, 0) !== MAGIC || header[1] !== VERSION) {
      throw new Error('ControlBlock.attach: the buffer was not made by ControlBlock.create');
    }
    const descriptionBytes = header[2]!;
    // TextDecoder refuses views on shared memory: copy the bytes out first.
    const bytes = new Uint8Array(descriptionBytes);
    bytes.set(new Uint8Array(buffer, CACHE_LINE_BYTES, descriptionBytes));
    const description = JSON.parse(new TextDecoder().decode(bytes)) as Description;
    const compatible =
      sameList(description.threads, ENGINE_THREADS) &&
      sameList(description.counters, COUNTER_NAMES) &&
      sameList(description.stages, LATENCY_STAGES) &&
      sameList(description.paramKeys, PARAM_KEYS) &&
      sameList(description.limitKeys, LIMIT_KEYS);
    if (!compatible) {
      throw new Error(
        'ControlBlock.attach: the buffer was built from different counter/stage/param tables',
      );
    }
    return new ControlBlock(buffer, description, descriptionBytes);
  }

  // ---- trading state (the kill switch) -----------------------------------------------

  /** TradingStateCode: ACTIVE 0, REDUCING 1, HALTED 2. Read before every order. */
  tradingState(): TradingStateCode {
    // Only setTradingState writes the word, and it admits nothing but a TradingStateCode.
    return Atomics.load(this.stateWords, TRADING_STATE) as TradingStateCode;
  }

  /** Sets the trading state; returns the previous one. */
  setTradingState(code: number): number {
    if (!TRADING_STATE_CODES.includes(code)) {
      throw new RangeError(
        `trading state code must be one of ${TRADING_STATE_CODES.join(', ')} (TradingStateCode), got ${code}`,
      );
    }
    return Atomics.exchange(this.stateWords, TRADING_STATE, code);
  }

  // ---- stop --------------------------------------------------------------------------

  /** Asks every engine thread to exit, waking any that is parked. */
  requestStop(): void {
    Atomics.store(this.stateWords, STOP, 1);
    for (const thread of ENGINE_THREADS) this.doorbells[thread].requestStop();
    for (let i = 0; i < ENGINE_THREADS.length; i++)
      Atomics.notify(this.barrierWords, this.barrierIndex(i));
  }

  stopRequested(): boolean {
    return Atomics.load(this.stateWords, STOP) !== 0;
  }

  // ---- feed state --------------------------------------------------------------------

  /** Index in FEED_STATES ('connecting' 0, 'syncing', 'live', 'stale', 'down'). */
  feedState(symbolIndex: number): number {
    this.checkSymbol(symbolIndex);
    return Atomics.load(this.feedWords, symbolIndex);
  }

  setFeedState(symbolIndex: number, code: number): void {
    this.checkSymbol(symbolIndex);
    if (!Number.isInteger(code) || code < 0 || code >= FEED_STATES.length) {
      throw new RangeError(
        `feed state code must be an index in FEED_STATES (0..${FEED_STATES.length - 1}), got ${code}`,
      );
    }
    Atomics.store(this.feedWords, symbolIndex, code);
  }

  // ---- live parameters (seqlock) -----------------------------------------------------

  /**
   * Publishes a whole new parameter set; readers switch to it all at once. Values must
   * already be validated (applyParamsPatch); non-finite numbers are refused here too,
   * leaving the current set in force.
   */
  writeParams(params: StrategyParams, limits: RiskLimits): void {
    for (const key of PARAM_KEYS) {
      if (!Number.isFinite(params[key]))
        throw new RangeError(`writeParams: strategy.params.${key} is not a finite number`);
    }
    for (const key of LIMIT_KEYS) {
      if (!Number.isFinite(limits[key]))
        throw new RangeError(`writeParams: strategy.risk_limits.${key} is not a finite number`);
    }
    const word = this.generationWord;
    let generation: number;
    // Take the odd "writing" state with a compare-exchange so two writers cannot interleave.
    for (;;) {
      generation = Atomics.load(word, 0);
      if (
        (generation & 1) === 0 &&
        Atomics.compareExchange(word, 0, generation, (generation + 1) | 0) === generation
      )
        break;
    }
    const slots = this.paramSlots;
    for (let i = 0; i < PARAM_KEYS.length; i++) slots[i] = params[PARAM_KEYS[i]!];
    for (let i = 0; i < LIMIT_KEYS.length; i++)
      slots[PARAM_KEYS.length + i] = limits[LIMIT_KEYS[i]!];
    // 0 means "never written": the wrap after 2^31 writes skips it.
    const next = (generation + 2) | 0;
    Atomics.store(word, 0, next === 0 ? 2 : next);
  }

  /**
   * Copies the live parameter set into `intoParams`/`intoLimits` if it changed since
   * `lastGeneration`, and returns its generation; returns `lastGeneration` (touching
   * nothing) when unchanged. Start with 0: never written. The copy is all or nothing.
   * The unchanged case is one Atomics.load, cheap enough for every tick.
   */
  readParams(intoParams: StrategyParams, intoLimits: RiskLimits, lastGeneration: number): number {
    const word = this.generationWord;
    const slots = this.paramSlots;
    for (;;) {
      const generation = Atomics.load(word, 0);
      if (generation === lastGeneration) return lastGeneration;
      if ((generation & 1) !== 0) continue; // a write is in progress
      for (let i = 0; i < PARAM_KEYS.length; i++) intoParams[PARAM_KEYS[i]!] = slots[i]!;
      for (let i = 0; i < LIMIT_KEYS.length; i++)
        intoLimits[LIMIT_KEYS[i]!] = slots[PARAM_KEYS.length + i]!;
      if (Atomics.load(word, 0) === generation) return generation;
    }
  }

  paramsGeneration(): number {
    return Atomics.load(this.generationWord, 0);
  }

  // ---- counters ----------------------------------------------------------------------

  /** Adds n (a non-negative integer below 2^32) to a counter; safe from any thread. */
  add(name: CounterName, n = 1): void {
    const index = this.counterIndex[name];
    if (index === undefined) throw new RangeError(`unknown counter "${name}"`);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new RangeError(`counter ${name}: can only add an integer in 0..2^32-1, got ${n}`);
    }
    this.addAt(index, n);
  }

  /** `add` by position in COUNTER_NAMES, skipping the name lookup on hot paths. */
  addAt(index: number, n = 1): void {
    const words = this.counterWords;
    const low = 2 * index;
    const before = Atomics.add(words, low, n);
    // The low word wrapped: carry into the high word. Sum stays exact up to 2^53.
    if (before + n > 0xffffffff) Atomics.add(words, low + 1, 1);
  }

  counter(name: CounterName): number {
    const index = this.counterIndex[name];
    if (index === undefined) throw new RangeError(`unknown counter "${name}"`);
    const words = this.counterWords;
    for (;;) {
      const high = Atomics.load(words, 2 * index + 1);
      const low = Atomics.load(words, 2 * index);
      if (Atomics.load(words, 2 * index + 1) === high) return high * 4294967296 + low;
    }
  }

  /** Every counter by name (allocates: for metrics scrapes and UI state, not hot paths). */
  counters(): Record<CounterName, number> {
    const out = {} as Record<CounterName, number>;
    for (const name of COUNTER_NAMES) out[name] = this.counter(name);
    return out;
  }

  // ---- latency histograms ------------------------------------------------------------

  /** The stage's histogram on the shared buffer. Record from the stage's one thread only. */
  histogram(stage: LatencyStage): LatencyHistogram {
    const histogram = this.histograms[stage];
    if (histogram === undefined) throw new RangeError(`unknown latency stage "${stage}"`);
    return histogram;
  }

  // ---- ring gauges -------------------------------------------------------------------

  setRingUtilization(name: string, ratio: number): void {
    this.ringSlots[2 * this.ringSlot(name)] = ratio;
  }

  ringUtilization(name: string): number {
    return this.ringSlots[2 * this.ringSlot(name)]!;
  }

  setRingFullEvents(name: string, count: number): void {
    this.ringSlots[2 * this.ringSlot(name) + 1] = count;
  }

  ringFullEvents(name: string): number {
    return this.ringSlots[2 * this.ringSlot(name) + 1]!;
  }

  /** Ring name → utilization (allocates: for state snapshots). */
  ringUtilizations(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.ringNames) out[name] = this.ringUtilization(name);
    return out;
  }

  // ---- doorbells ---------------------------------------------------------------------

  /** The doorbell of an engine thread: producers into its rings ring it. */
  doorbell(thread: EngineThread): Doorbell {
    const doorbell = this.doorbells[thread];
    if (doorbell === undefined) throw new RangeError(`unknown engine thread "${thread}"`);
    return doorbell;
  }

  // ---- replay barriers ---------------------------------------------------------------

  /**
   * Publishes how far a thread got (e.g. the last market SEQ the strategy finished),
   * waking anyone waiting for it. Values are Int32 and should only grow.
   */
  setDoneSeq(thread: EngineThread, seq: number): void {
    if (!Number.isInteger(seq) || seq < 0 || seq > 0x7fffffff) {
      throw new RangeError(`done seq must be an integer in 0..2^31-1, got ${seq}`);
    }
    const index = this.barrierIndex(this.threadIndex(thread));
    Atomics.store(this.barrierWords, index, seq);
    Atomics.notify(this.barrierWords, index);
  }

  doneSeq(thread: EngineThread): number {
    return Atomics.load(this.barrierWords, this.barrierIndex(this.threadIndex(thread)));
  }

  /**
   * Blocks until `thread` reports a done seq ≥ atLeast; false on timeout or stop.
   * Blocks the calling thread: from the engine main thread use the async variant.
   */
  waitForDoneSeq(thread: EngineThread, atLeast: number, timeoutMs: number): boolean {
    const index = this.barrierIndex(this.threadIndex(thread));
    const deadline = monoNowUs() + timeoutMs * 1e3;
    for (;;) {
      const seen = Atomics.load(this.barrierWords, index);
      if (seen >= atLeast) return true;
      if (this.stopRequested()) return false;
      const leftMs = (deadline - monoNowUs()) / 1e3;
      if (leftMs <= 0) return false;
      Atomics.wait(this.barrierWords, index, seen, leftMs);
    }
  }

  /** Like waitForDoneSeq without blocking the event loop (Atomics.waitAsync). */
  async waitForDoneSeqAsync(
    thread: EngineThread,
    atLeast: number,
    timeoutMs: number,
  ): Promise<boolean> {
    const index = this.barrierIndex(this.threadIndex(thread));
    const deadline = monoNowUs() + timeoutMs * 1e3;
    for (;;) {
      const seen = Atomics.load(this.barrierWords, index);
      if (seen >= atLeast) return true;
      if (this.stopRequested()) return false;
      const leftMs = (deadline - monoNowUs()) / 1e3;
      if (leftMs <= 0) return false;
      await waitAsync(this.barrierWords, index, seen, leftMs);
    }
  }

  // ---- helpers -----------------------------------------------------------------------

  private barrierIndex(threadIndex: number): number {
    return threadIndex * (CACHE_LINE_BYTES / 4);
  }

  private threadIndex(thread: EngineThread): number {
    const index = ENGINE_THREADS.indexOf(thread);
    if (index < 0) throw new RangeError(`unknown engine thread "${thread}"`);
    return index;
  }

  private ringSlot(name: string): number {
    const index = this.ringIndex.get(name);
    if (index === undefined) {
      throw new RangeError(
        `unknown ring "${name}"; this control block has ${this.ringNames.join(', ')}`,
      );
    }
    return index;
  }

  private checkSymbol(symbolIndex: number): void {
    if (!Number.isInteger(symbolIndex) || symbolIndex < 0 || symbolIndex >= this.symbols.length) {
      throw new RangeError(`symbol index ${symbolIndex} is outside 0..${this.symbols.length - 1}`);
    }
  }
}

type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => WaitAsyncResult;

/** Atomics.waitAsync (V8 has it; the ES2023 lib typings do not), else a short poll. */
async function waitAsync(
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
): Promise<void> {
  const native = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  if (native !== undefined) {
    const result = native(array, index, value, timeoutMs);
    if (result.async) await result.value;
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, 1)));
}
