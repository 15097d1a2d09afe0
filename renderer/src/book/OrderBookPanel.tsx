import { useEffect, useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { useSelectedSymbol } from '../app/use-symbol.js';
import { setText, useTransient } from '../app/use-transient.js';
import { decimalsFor } from '../format/decimals.js';
import { Panel } from '../components/Panel.js';
import { OrderEntryBar, ladderHotkey } from './OrderEntryBar.js';
import { useOrderEntry } from './use-order-entry.js';
import {
  LADDER_LEVELS,
  createLadder,
  fillLadder,
  ownRestingOrders,
  type LadderRow,
} from './ladder-model.js';

/**
 * The order-book ladder: asks above (best at the bottom), spread and mid, bids below
 * (best at the top). Rows are keyed by their index and never re-rendered by React; each
 * frame writes only the cell texts that changed and the depth bars' scale, so a book
 * that moves 100 times a second neither flickers nor re-renders.
 *
 * It is an ARIA table of grid rows rather than a <table>: a table row cannot be a layout
 * containment boundary, so a changed cell re-laid out the whole table every frame; a
 * fixed-size grid row with `contain: strict` re-lays out only itself.
 */
interface RowCells {
  row: HTMLDivElement | null;
  /** A button: a click places a limit order at this price (bid buys, ask sells). */
  price: HTMLButtonElement | null;
  size: HTMLSpanElement | null;
  cumulative: HTMLSpanElement | null;
  bar: HTMLSpanElement | null;
  /** A button over the trader's own resting orders here: a click cancels them. */
  own: HTMLButtonElement | null;
}

const newCells = (): RowCells => ({
  row: null,
  price: null,
  size: null,
  cumulative: null,
  bar: null,
  own: null,
});

function setAttr(element: HTMLElement | null, name: string, value: string): void {
  if (element !== null && element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function writeRow(cells: RowCells, row: LadderRow, side: 'ask' | 'bid'): void {
  setText(cells.price, row.priceText);
  setText(cells.size, row.sizeText);
  setText(cells.cumulative, row.cumulativeText);
  const mine = row.ownCount > 0;
  setText(cells.own, mine ? `◆ ${row.ownText}` : '');
  if (cells.price) {
    const empty = row.priceText === '';
    if (cells.price.disabled !== empty) cells.price.disabled = empty;
    setAttr(
      cells.price,
      'aria-label',
      empty ? 'empty level' : `${side === 'bid' ? 'Buy' : 'Sell'} limit at ${row.priceText}`,
    );
  }
  if (cells.own) {
    if (cells.own.hidden === mine) cells.own.hidden = !mine;
    setAttr(
      cells.own,
      'aria-label',
      mine ? `Cancel my ${side === 'bid' ? 'buy' : 'sell'} orders at ${row.priceText}` : 'none',
    );
    cells.own.title = mine
      ? `${row.ownCount} of your orders rest here (${row.ownText}); click to cancel`
      : '';
  }
  if (cells.bar) {
    const transform = `scaleX(${row.depth.toFixed(3)})`;
    if (cells.bar.style.transform !== transform) cells.bar.style.transform = transform;
  }
  if (cells.row && cells.row.classList.contains('own') !== mine)
    cells.row.classList.toggle('own', mine);
}

function LadderRows(props: {
  readonly side: 'ask' | 'bid';
  readonly cells: RowCells[];
  readonly onPrice: (side: 'ask' | 'bid', index: number) => void;
  readonly onOwn: (side: 'ask' | 'bid', index: number) => void;
}) {
  // Asks are drawn worst-first so the best ask sits just above the spread row.
  const order = props.side === 'ask' ? [...props.cells.keys()].reverse() : [...props.cells.keys()];
  return (
    <>
      {order.map((index) => {
        const cells = props.cells[index];
        return (
          <div
            key={index}
            role="row"
            className="ladder-row"
            data-side={props.side}
            data-level={index + 1}
            ref={(el) => void (cells.row = el)}
          >
            <span role="cell" className="num price">
              {/* Only the touch is a tab stop: forty buttons would bury the rest of the
                  window; the keyboard trades the touch, or with the hotkeys. `disabled`
                  is written by writeRow, never as a React prop: React drops clicks on an
                  element whose prop says disabled, whatever the DOM says now. */}
              <button
                type="button"
                className="price-button"
                tabIndex={index === 0 ? 0 : -1}
                ref={(el) => void (cells.price = el)}
                onClick={() => props.onPrice(props.side, index)}
              />
            </span>
            <span role="cell" className="num size" ref={(el) => void (cells.size = el)} />
            <span role="cell" className="num depth-cell">
              <span className="depth-bar" aria-hidden="true" ref={(el) => void (cells.bar = el)} />
              <span className="depth-text" ref={(el) => void (cells.cumulative = el)} />
            </span>
            <span role="cell" className="num own-cell">
              <button
                type="button"
                className="own-button"
                hidden
                ref={(el) => void (cells.own = el)}
                onClick={() => props.onOwn(props.side, index)}
              />
            </span>
          </div>
        );
      })}
    </>
  );
}

function SymbolPicker() {
  const { engine, layout } = useServices();
  const symbols = useStore(engine.store, (s) => s.symbols);
  const selected = useSelectedSymbol();
  if (symbols.length <= 1) return <span className="symbol-name">{selected ?? '—'}</span>;
  return (
    <label className="symbol-picker">
      <span className="visually-hidden">Symbol</span>
      <select
        aria-label="Symbol"
        value={selected ?? ''}
        onChange={(event) => layout.setSymbol(event.target.value)}
      >
        {symbols.map((symbol) => (
          <option key={symbol} value={symbol}>
            {symbol}
          </option>
        ))}
      </select>
    </label>
  );
}

export function OrderBookPanel() {
  const { engine, layout } = useServices();
  const symbol = useSelectedSymbol();
  const askCells = useMemo(() => Array.from({ length: LADDER_LEVELS }, newCells), []);
  const bidCells = useMemo(() => Array.from({ length: LADDER_LEVELS }, newCells), []);
  const ladder = useMemo(() => createLadder(LADDER_LEVELS), []);
  const spread = useRef<HTMLSpanElement>(null);
  const mid = useRef<HTMLSpanElement>(null);
  const syncNote = useRef<HTMLSpanElement>(null);
  const symbolRef = useRef(symbol);
  symbolRef.current = symbol;
  const container = useRef<HTMLDivElement>(null);
  const width = useStore(layout, (l) => l.bookWidthPx);

  const draw = (): void => {
    const current = engine.store.getState();
    const state = current.state;
    const name = symbolRef.current;
    if (state === null || name === null) return;
    const book = state.books.find((b) => b.symbol === name);
    fillLadder(ladder, book, ownRestingOrders(current.orders, name), decimalsFor(name));
    for (let i = 0; i < LADDER_LEVELS; i++) {
      writeRow(askCells[i], ladder.asks[i], 'ask');
      writeRow(bidCells[i], ladder.bids[i], 'bid');
    }
    setText(spread.current, ladder.spreadText);
    setText(mid.current, ladder.midText);
    setText(
      syncNote.current,
      book === undefined
        ? 'no book yet'
        : ladder.synced
          ? ''
          : 'NOT SYNCED — resyncing, levels may be wrong',
    );
  };
  useTransient(engine.store, draw);
  // A new symbol redraws at once rather than at the next state.
  useEffect(draw, [symbol]);

  const entry = useOrderEntry(symbol);
  const rowOf = (side: 'ask' | 'bid', index: number) =>
    (side === 'bid' ? ladder.bids : ladder.asks)[index];
  // The price the trader clicked is the one the row showed: the model of the last drawn frame.
  const onPrice = (side: 'ask' | 'bid', index: number): void => {
    const row = rowOf(side, index);
    if (row !== undefined && row.priceRaw !== '')
      void entry.place(side === 'bid' ? 'Buy' : 'Sell', row.priceRaw);
  };
  const onOwn = (side: 'ask' | 'bid', index: number): void => {
    const row = rowOf(side, index);
    if (row !== undefined && row.ownIds.length > 0)
      void entry.cancel(row.ownIds, `Cancel at ${row.priceText}`);
  };
  const hotkeyActions = useRef({ onPrice, entry });
  hotkeyActions.current = { onPrice, entry };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = ladderHotkey(event);
      if (action === null) return;
      event.preventDefault();
      const { onPrice: atPrice, entry: orders } = hotkeyActions.current;
      // At the touch: join the best bid to buy, the best ask to sell.
      if (action === 'buy') atPrice('bid', 0);
      else if (action === 'sell') atPrice('ask', 0);
      else if (action === 'cancelAll') void orders.send('Cancel all', { type: 'cancelAll' });
      else void orders.send('Flatten all', { type: 'flatten' });
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // The trader can drag the panel wider; the width is part of the remembered layout.
  useEffect(() => {
    const element = container.current;
    if (element === null || typeof ResizeObserver === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // The first report is the initial layout, not a drag: remembering it would pin the
    // width and stop the panel following the window.
    let first = true;
    const observer = new ResizeObserver((entries) => {
      const observed = entries[0]?.contentRect.width;
      if (first || !observed) {
        first = false;
        return;
      }
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => layout.setBookWidth(element.getBoundingClientRect().width), 300);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      if (timer !== null) clearTimeout(timer);
    };
  }, [layout]);

  return (
    <div
      className="book-container"
      ref={container}
      style={width !== null ? { width: `${width}px` } : undefined}
    >
      <Panel id="book" title="Order book" actions={<SymbolPicker />}>
        <OrderEntryBar entry={entry} />
        <p className="sync-note" role="status" aria-label="Book sync">
          <span ref={syncNote} />
        </p>
        <div
          className="ladder"
          role="table"
          aria-label="Order book"
          aria-rowcount={LADDER_LEVELS * 2 + 2}
        >
          <div role="rowgroup" className="ladder-head">
            <div role="row" className="ladder-row">
              <span role="columnheader" className="num">
                Price
              </span>
              <span role="columnheader" className="num">
                Size
              </span>
              <span role="columnheader" className="num">
                Total
              </span>
              <span role="columnheader" className="num">
                Mine
              </span>
            </div>
          </div>
          <div role="rowgroup" className="asks">
            <LadderRows side="ask" cells={askCells} onPrice={onPrice} onOwn={onOwn} />
          </div>
          <div role="rowgroup" className="spread">
            <div role="row" className="spread-row">
              <span role="cell" aria-colspan={4}>
                Spread <span ref={spread}>—</span> · Mid <span ref={mid}>—</span>
              </span>
            </div>
          </div>
          <div role="rowgroup" className="bids">
            <LadderRows side="bid" cells={bidCells} onPrice={onPrice} onOwn={onOwn} />
          </div>
        </div>
      </Panel>
    </div>
  );
}
