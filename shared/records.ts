/**
 * Binary record layouts of the engine's rings, declared once so producer and consumer
 * cannot disagree. Every record is a run of float64 slots (integers up to 2^53 are exact;
 * prices and quantities are 1e-8 fixed-point, see domain.ts). A ring's record size is
 * `SLOTS` of its layout; the field constants are slot offsets within a record.
 */

/** Book levels carried per side in a market record; the UI and every feature use ≤ 20. */
export const MAX_LEVELS = 20;

/** Market-data thread → strategy thread and → execution thread. */
export const MarketRecord = {
  /** One of MarketKind. */
  KIND: 0,
  SYMBOL: 1,
  /**
   * Sequence of every record the pipeline emits, across symbols, from 1: the tick an
   * order answers, and the replay barrier's position.
   */
  SEQ: 2,
  /** Receive time on the recording's clock, µs since epoch (replay: the file's `ts`). */
  TS_US: 3,
  /** Monotonic µs when the frame was read from the socket: start of tick-to-trade. */
  T0_US: 4,
  /** Binance `u` of the last applied diff (or the snapshot's lastUpdateId). */
  UPDATE_ID: 5,
  /** 1 when the book is synced, 0 when it may be wrong. */
  SYNCED: 6,
  /** Book: number of bid levels present (≤ MAX_LEVELS). Trade: price. */
  BID_COUNT: 7,
  /** Book: number of ask levels present. Trade: quantity. */
  ASK_COUNT: 8,
  /** Trade: 1 when the buyer was the maker (an aggressive sell). */
  FLAGS: 9,
  BID_PRICE: 10,
  BID_QTY: 10 + MAX_LEVELS,
  ASK_PRICE: 10 + 2 * MAX_LEVELS,
  ASK_QTY: 10 + 3 * MAX_LEVELS,
  /**
   * Time the market-data thread spent on this record (parse + book), µs. Filled by the
   * market thread, not the pipeline. In replay the reader floods the ring, so the
   * strategy measures tick-to-trade from its own dequeue plus this, not from T0_US
   * (which would count time spent queued behind a file read far ahead).
   */
  MD_US: 10 + 4 * MAX_LEVELS,
  SLOTS: 11 + 4 * MAX_LEVELS,
} as const;

/** Trade records reuse the book header slots under these names. */
export const TradeRecord = {
  PRICE: MarketRecord.BID_COUNT,
  QTY: MarketRecord.ASK_COUNT,
  IS_BUYER_MAKER: MarketRecord.FLAGS,
} as const;

export const MarketKind = {
  BOOK: 1,
  TRADE: 2,
  /** The feed changed state (FLAGS holds the FEED_STATES index); no book data. */
  FEED_STATE: 3,
  /** End of a replay: consumers flush and report. */
  END: 4,
} as const;

/** Strategy thread (and host commands routed by the engine) → execution thread. */
export const OrderRecord = {
  /** One of OrderCommandKind. */
  KIND: 0,
  ORDER_ID: 1,
  SYMBOL: 2,
  /** +1 buy, -1 sell. */
  SIDE: 3,
  /** Index in ORDER_TYPES. */
  TYPE: 4,
  PRICE: 5,
  QTY: 6,
  /** SEQ of the market record this order answers (deterministic matching). */
  TICK_SEQ: 7,
  TS_US: 8,
  T0_US: 9,
  STRENGTH: 10,
  CONFIDENCE: 11,
  /** The client order id's uuid as four uint32 words. */
  CLIENT_ID_0: 12,
  CLIENT_ID_1: 13,
  CLIENT_ID_2: 14,
  CLIENT_ID_3: 15,
  /** Index of the strategy id in the engine's strategy table. */
  STRATEGY: 16,
  SLOTS: 17,
} as const;

export const OrderCommandKind = {
  NEW: 1,
  CANCEL: 2,
  CANCEL_ALL: 3,
  FLATTEN: 4,
} as const;

/**
 * Execution thread → persistence thread (and strategy thread → persistence for signals).
 * One layout for every row kind; unused slots are 0.
 */
export const PersistRecord = {
  /** One of PersistKind. */
  KIND: 0,
  TS_US: 1,
  SYMBOL: 2,
  ORDER_ID: 3,
  SIDE: 4,
  TYPE: 5,
  STATUS: 6,
  PRICE: 7,
  QTY: 8,
  FILLED_QTY: 9,
  AVG_PRICE: 10,
  /** Fill: fee in 1e-8 quote units. Position: realized PnL in 1e-8 quote units. */
  AMOUNT_A: 11,
  /** Position: quantity after the fill (signed). Signal: strength. */
  AMOUNT_B: 12,
  /** Position: average cost after the fill. Signal: confidence. */
  AMOUNT_C: 13,
  /** Signal: holding period ms. Reject: reason index. Kill event: trading state code. */
  AMOUNT_D: 14,
  CLIENT_ID_0: 15,
  CLIENT_ID_1: 16,
  CLIENT_ID_2: 17,
  CLIENT_ID_3: 18,
  STRATEGY: 19,
  /** Fill: trade id (monotone). */
  TRADE_ID: 20,
  /** Signal: the first 8 features as a vector, in the extractor order. */
  FEATURES: 21,
  SLOTS: 29,
} as const;

export const PersistKind = {
  ORDER: 1,
  /** A fill and the position it produces: written in one transaction. */
  FILL: 2,
  SIGNAL: 3,
  KILL_SWITCH: 4,
  FLUSH: 5,
} as const;
