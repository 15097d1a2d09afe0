import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LAYOUT,
  LAYOUT_STORAGE_KEY,
  createLayoutStore,
  parseLayout,
  type KeyValueStorage,
} from '../../renderer/src/store/layout-store.js';

function memoryStorage(
  initial: Record<string, string> = {},
): KeyValueStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => void (data[key] = value),
  };
}

test('the layout survives a restart through storage', () => {
  const storage = memoryStorage();
  const first = createLayoutStore(storage);
  first.toggle('signals');
  first.setPnlPane(false);
  first.setSymbol('ETHUSDT');
  first.setBookWidth(420.4);
  const second = createLayoutStore(storage);
  assert.equal(second.getState().collapsed.signals, true);
  assert.equal(second.getState().collapsed.book, false);
  assert.equal(second.getState().pnlPane, false);
  assert.equal(second.getState().symbol, 'ETHUSDT');
  assert.equal(second.getState().bookWidthPx, 420);
});

test('corrupt or foreign stored layouts fall back field by field, never break the window', () => {
  assert.deepEqual(parseLayout(null), DEFAULT_LAYOUT);
  assert.deepEqual(parseLayout('{not json'), DEFAULT_LAYOUT);
  assert.deepEqual(parseLayout('[1,2]'), DEFAULT_LAYOUT);
  const mixed = parseLayout(
    JSON.stringify({
      collapsed: { book: true, chart: 'yes', nonsense: true },
      pnlPane: 3,
      symbol: 'bad symbol',
      bookWidthPx: 5,
    }),
  );
  assert.equal(mixed.collapsed.book, true);
  assert.equal(mixed.collapsed.chart, DEFAULT_LAYOUT.collapsed.chart);
  assert.equal(mixed.pnlPane, DEFAULT_LAYOUT.pnlPane);
  assert.equal(mixed.symbol, null);
  assert.equal(mixed.bookWidthPx, null);
  const store = createLayoutStore(memoryStorage({ [LAYOUT_STORAGE_KEY]: '{"collapsed":' }));
  assert.deepEqual(store.getState(), DEFAULT_LAYOUT);
});

test('a storage that throws costs only the arrangement', () => {
  const broken: KeyValueStorage = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
  };
  const store = createLayoutStore(broken);
  store.toggle('orders');
  assert.equal(store.getState().collapsed.orders, true);
  const none = createLayoutStore(null);
  none.toggle('orders');
  assert.equal(none.getState().collapsed.orders, true);
});
