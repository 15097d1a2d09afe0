/**
 * Maps a symbol's bytes, as they appear inside a frame, to its index in the configured
 * list without creating a string: the scanner compares the bytes in place against each
 * known symbol (a handful at most, so a linear scan beats hashing).
 */
export class SymbolTable {
  readonly symbols: readonly string[];
  private readonly encoded: readonly Uint8Array[];

  constructor(symbols: readonly string[]) {
    const seen = new Set<string>();
    for (const symbol of symbols) {
      if (!/^[A-Z0-9]{2,20}$/.test(symbol)) {
        throw new Error(
          `symbol "${symbol}" is not 2–20 upper-case letters or digits (e.g. BTCUSDT)`,
        );
      }
      if (seen.has(symbol)) throw new Error(`symbol ${symbol} is listed twice`);
      seen.add(symbol);
    }
    this.symbols = [...symbols];
    this.encoded = symbols.map((symbol) => new TextEncoder().encode(symbol));
  }

  /** Index of the symbol spelled by bytes[start, end), or -1. */
  indexOfBytes(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    for (let s = 0; s < this.encoded.length; s++) {
      const candidate = this.encoded[s]!;
      if (candidate.length !== length) continue;
      let i = 0;
      while (i < length && candidate[i] === bytes[start + i]) i++;
      if (i === length) return s;
    }
    return -1;
  }

  indexOf(symbol: string): number {
    return this.symbols.indexOf(symbol);
  }
}
