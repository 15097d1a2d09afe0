/**
 * Words the engine's threads share beyond the control block: each symbol's position as
 * the execution thread last published it (the strategy's risk check and sizing read it),
 * and the order-id counter (strategy orders and trader-initiated flatten orders draw
 * from one sequence, so ids never collide).
 *
 * Positions are float64 integers of 1e-8 units, written by the execution thread only,
 * published before its replay barrier word (Atomics.store), so a reader that waited on
 * that barrier sees them; live, a reader may see a value one fill old, which the risk
 * check tolerates by design (it also caps by max_order_size).
 */
export class EngineShared {
  readonly buffer: SharedArrayBuffer;
  private readonly positions: Float64Array;
  /** Remaining quantity of open buy and sell orders per symbol (risk counts the worst case). */
  private readonly openBuy: Float64Array;
  private readonly openSell: Float64Array;
  private readonly orderIds: Int32Array;
  /**
   * [0] monoNowUs() when the engine main thread last changed the trading state; [1] that
   * stamp again, written by the trading thread once it has acted on the change (open
   * orders cancelled): a bench waits for it, so no slow change goes unmeasured.
   */
  private readonly stateChange: Float64Array;

  private constructor(
    buffer: SharedArrayBuffer,
    readonly symbolCount: number,
  ) {
    this.buffer = buffer;
    this.orderIds = new Int32Array(buffer, 0, 16);
    this.positions = new Float64Array(buffer, 64, symbolCount);
    this.openBuy = new Float64Array(buffer, 64 + 8 * symbolCount, symbolCount);
    this.openSell = new Float64Array(buffer, 64 + 16 * symbolCount, symbolCount);
    this.stateChange = new Float64Array(buffer, 64 + 24 * Math.max(1, symbolCount), 2);
  }

  static create(symbolCount: number, firstOrderId = 1): EngineShared {
    const shared = new EngineShared(
      new SharedArrayBuffer(64 + 24 * Math.max(1, symbolCount) + 16),
      symbolCount,
    );
    Atomics.store(shared.orderIds, 0, firstOrderId - 1);
    return shared;
  }

  static attach(buffer: SharedArrayBuffer, symbolCount: number): EngineShared {
    return new EngineShared(buffer, symbolCount);
  }

  /** Next engine-wide order id (atomic: any thread may draw). */
  nextOrderId(): number {
    return Atomics.add(this.orderIds, 0, 1) + 1;
  }

  setPosition(symbolIndex: number, qtyUnits: number): void {
    this.positions[symbolIndex] = qtyUnits;
  }

  position(symbolIndex: number): number {
    return this.positions[symbolIndex]!;
  }

  setOpenOrders(symbolIndex: number, buyUnits: number, sellUnits: number): void {
    this.openBuy[symbolIndex] = buyUnits;
    this.openSell[symbolIndex] = sellUnits;
  }

  openBuys(symbolIndex: number): number {
    return this.openBuy[symbolIndex]!;
  }

  openSells(symbolIndex: number): number {
    return this.openSell[symbolIndex]!;
  }

  /** Stamped (monoNowUs) just before the trading-state word changes, so the thread acting on it can time itself. */
  stampStateChange(us: number): void {
    this.stateChange[0] = us;
  }

  stateChangeUs(): number {
    return this.stateChange[0]!;
  }

  /** The trading thread has acted on the change stamped stampUs. */
  stateChangeActed(stampUs: number): void {
    this.stateChange[1] = stampUs;
  }

  /** The stamp of the last change a trading thread has acted on. */
  stateChangeActedUs(): number {
    return this.stateChange[1]!;
  }
}
