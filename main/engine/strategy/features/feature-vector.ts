import { SIGNAL_ROW_FEATURES, type SignalRow } from '../../../../shared/records.js';
/**
 * The strategy's feature vector for one symbol: a Float64Array of values with a names
 * table beside it. Extractors write into fixed slots chosen when the vector is built, so
 * reading or writing a feature on the hot path is an array index, never a name lookup.
 *
 * The order of `names` is the order extractors were composed in (see feature-set.ts) and
 * is stable: the first PERSISTED_FEATURE_COUNT slots are what a signal record carries
 * (SignalRow features), and the `features` CSV columns follow it.
 */
export const PERSISTED_FEATURE_COUNT = SIGNAL_ROW_FEATURES;

export class FeatureVector {
  readonly values: Float64Array;
  readonly names: readonly string[];
  /** Receive time (recording clock, µs) of the book update the values describe. */
  tsUs = 0;
  /** Binance `u` of that book update. */
  updateId = 0;
  /** Index of the symbol in the configured symbol list. */
  symbolIndex = 0;
  private readonly slotByName: ReadonlyMap<string, number>;

  constructor(names: readonly string[]) {
    const seen = new Map<string, number>();
    names.forEach((name, slot) => {
      if (seen.has(name))
        throw new Error(`feature "${name}" is produced by two extractors; names must be unique`);
      seen.set(name, slot);
    });
    this.names = [...names];
    this.slotByName = seen;
    this.values = new Float64Array(names.length);
  }

  /** Slot of a feature; throws when the name is unknown (call once, keep the index). */
  slot(name: string): number {
    const slot = this.slotByName.get(name);
    if (slot === undefined) {
      throw new Error(`unknown feature "${name}"; known: ${this.names.join(', ')}`);
    }
    return slot;
  }

  has(name: string): boolean {
    return this.slotByName.has(name);
  }

  /** Value by name: for tests and tools, not the hot path. */
  get(name: string): number {
    return this.values[this.slot(name)]!;
  }

  /** Copies the first PERSISTED_FEATURE_COUNT values to `out` at `offset` (signal records). */
  copyPersisted(row: SignalRow): void {
    const n = Math.min(PERSISTED_FEATURE_COUNT, this.values.length);
    for (let i = 0; i < n; i++) row.setFeature(i, this.values[i]!);
    for (let i = n; i < PERSISTED_FEATURE_COUNT; i++) row.setFeature(i, 0);
  }
}
