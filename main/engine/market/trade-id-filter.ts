/**
 * Drops repeated trades of one symbol by the exchange's trade id (`t`), as depth diffs are
 * dropped by `u` (docs/ARCHITECTURE.md §4): a duplicated frame (the exchange resending, a recording
 * with doubled lines, the simulator's `dup` fault) must not count a trade twice in the
 * trade flow, VPIN or the paper fills.
 *
 * Trade ids rise by one per trade, but frames may arrive slightly out of order, so this is
 * a sliding window (as in IPsec's anti-replay check) rather than "id <= last": the highest
 * id seen plus a 64-bit map of which of the 63 ids below it were seen. An id more than 63
 * below the highest is too old to tell apart and is dropped as already seen. Two int32
 * words rather than a BigInt: no allocation per trade.
 */
export const TRADE_ID_WINDOW = 64;

export class TradeIdFilter {
  private highest = -1;
  /** Bit d set: id highest - d was seen; lo holds d = 0..31, hi d = 32..63. */
  private lo = 0;
  private hi = 0;

  /** Forgets every id (a new connection: the exchange resends nothing from before). */
  reset(): void {
    this.highest = -1;
    this.lo = 0;
    this.hi = 0;
  }

  /**
   * True the first time a trade id is offered; false for a repeat (or one too old to
   * tell). Takes the frame, not the id: a double past 2^31 passed to a call V8 does not
   * inline would be boxed.
   */
  accept(trade: { readonly tradeId: number }): boolean {
    const id = trade.tradeId;
    if (this.highest < 0 || id > this.highest) {
      const shift = this.highest < 0 ? TRADE_ID_WINDOW : id - this.highest;
      if (shift >= TRADE_ID_WINDOW) {
        this.hi = 0;
        this.lo = 0;
      } else if (shift >= 32) {
        this.hi = this.lo << (shift - 32);
        this.lo = 0;
      } else {
        this.hi = (this.hi << shift) | (this.lo >>> (32 - shift));
        this.lo = this.lo << shift;
      }
      this.lo |= 1;
      this.highest = id;
      return true;
    }
    const back = this.highest - id;
    if (back >= TRADE_ID_WINDOW) return false;
    if (back < 32) {
      const bit = 1 << back;
      if ((this.lo & bit) !== 0) return false;
      this.lo |= bit;
    } else {
      const bit = 1 << (back - 32);
      if ((this.hi & bit) !== 0) return false;
      this.hi |= bit;
    }
    return true;
  }
}
