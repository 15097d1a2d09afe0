import { validateConfig } from '../../shared/config.js';
import { MarketKind, MarketRecord, OrderCommandKind, OrderRecord } from '../../shared/records.js';
import { Rng } from '../../main/engine/core/rng.js';
import { PaperBroker } from '../../main/engine/execution/paper-broker.js';
import { restoreBrokerState } from '../../main/engine/persistence/restore.js';
import { PersistenceWriter } from '../../main/engine/persistence/sqlite-writer.js';

/**
 * Child process of persistence-crash.test.ts: restores from the database, then trades
 * forever (random market orders against a random book, two symbols) with every row going
 * through PersistenceWriter in small, frequent transactions, until the test SIGKILLs it.
 * Prints "committed <n>" after each write so the test knows the disk is being written.
 */
const [dbPath, seedText] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: persistence-crash-child <db path> [seed]');
const symbols = ['BTCUSDT', 'ETHUSDT'];
const strategyIds = ['imbalance_v1'];
const config = validateConfig({ execution: { taker_fee_bps: 1 } });
const writer = new PersistenceWriter(dbPath, {
  symbols,
  strategyIds,
  batchRows: 40,
  maxDelayMs: 1,
  onError: (error) => process.stderr.write(`write error: ${error.message}\n`),
  onRowsWritten: (n) => process.stdout.write(`committed ${n}\n`),
});
const rng = new Rng(Number(seedText ?? 1));
const broker = new PaperBroker(config, {
  symbols,
  strategyIds,
  rng,
  sink: (rec) => writer.writeRecord(rec, 0),
});
const restored = restoreBrokerState(writer.db, symbols, strategyIds);
broker.restore(restored.positions, [], restored.ids);
let orderId = restored.maxStrategyOrderId + 1;
let ts = 1_752_000_000_000_000 + orderId * 1000;

const book = new Float64Array(MarketRecord.SLOTS);
const order = new Float64Array(OrderRecord.SLOTS);
for (;;) {
  for (let i = 0; i < 50; i++) {
    ts += 1000;
    const symbol = rng.int(2);
    const mid = (symbol === 0 ? 11_900_000_000_000 : 300_000_000_000) + rng.int(1000) * 1_000_000;
    book.fill(0);
    book[MarketRecord.KIND] = MarketKind.BOOK;
    book[MarketRecord.SYMBOL] = symbol;
    book[MarketRecord.TS_US] = ts;
    book[MarketRecord.SYNCED] = 1;
    book[MarketRecord.BID_COUNT] = 5;
    book[MarketRecord.ASK_COUNT] = 5;
    for (let l = 0; l < 5; l++) {
      book[MarketRecord.BID_PRICE + l] = mid - (l + 1) * 1_000_000;
      book[MarketRecord.BID_QTY + l] = (1 + rng.int(100)) * 1_000_000;
      book[MarketRecord.ASK_PRICE + l] = mid + (l + 1) * 1_000_000;
      book[MarketRecord.ASK_QTY + l] = (1 + rng.int(100)) * 1_000_000;
    }
    broker.onMarket(book, 0);
    order.fill(0);
    order[OrderRecord.KIND] = OrderCommandKind.NEW;
    order[OrderRecord.ORDER_ID] = orderId++;
    order[OrderRecord.SYMBOL] = symbol;
    order[OrderRecord.SIDE] = rng.next() < 0.5 ? 1 : -1;
    order[OrderRecord.TYPE] = 0;
    order[OrderRecord.QTY] = (1 + rng.int(300)) * 1_000_000;
    order[OrderRecord.TS_US] = ts;
    broker.onOrder(order, 0);
  }
  writer.flushIfDue(Date.now());
}
