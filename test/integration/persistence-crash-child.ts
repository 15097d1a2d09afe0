import { validateConfig } from '../../shared/config.js';
import { asOrderId, asPrice, asQty, asSymbolIndex, asTimestampUs } from '../../shared/domain.js';
import {
  MarketRecord,
  MarketUpdate,
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
} from '../../shared/records.js';
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
const bookOut = new MarketUpdate();
const orderOut = new OrderCommand();
for (;;) {
  for (let i = 0; i < 50; i++) {
    ts += 1000;
    const symbol = rng.int(2);
    const mid = (symbol === 0 ? 11_900_000_000_000 : 300_000_000_000) + rng.int(1000) * 1_000_000;
    book.fill(0);
    const update = bookOut.begin(book, 0, asSymbolIndex(symbol), 0, asTimestampUs(ts), 0);
    update.synced = true;
    update.bidCount = 5;
    update.askCount = 5;
    for (let l = 0; l < 5; l++) {
      update.setBid(l, asPrice(mid - (l + 1) * 1_000_000), asQty((1 + rng.int(100)) * 1_000_000));
      update.setAsk(l, asPrice(mid + (l + 1) * 1_000_000), asQty((1 + rng.int(100)) * 1_000_000));
    }
    broker.onMarket(book, 0);
    const cmd = orderOut.begin(order, 0, OrderCommandKind.NEW);
    cmd.orderId = asOrderId(orderId++);
    cmd.symbol = asSymbolIndex(symbol);
    cmd.side = rng.next() < 0.5 ? 1 : -1;
    cmd.type = 0;
    cmd.qty = asQty((1 + rng.int(300)) * 1_000_000);
    cmd.tsUs = asTimestampUs(ts);
    broker.onOrder(order, 0);
  }
  writer.flushIfDue(Date.now());
}
