import { useEffect, useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { useSelectedSymbol } from '../app/use-symbol.js';
import { setText, useTransient } from '../app/use-transient.js';
import { decimalsFor } from '../format/decimals.js';
import { Panel } from '../components/Panel.js';
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
  price: HTMLSpanElement | null;
  size: HTMLSpanElement | null;
  cumulative: HTMLSpanElement | null;
  bar: HTMLSpanElement | null;
  own: HTMLSpanElement | null;
}

const newCells = (): RowCells => ({
  row: null,
  price: null,
  size: null,
  cumulative: null,
  bar: null,
  own: null,
});

function writeRow(cells: RowCells, row: LadderRow): void {
  setText(cells.price, row.priceText);
  setText(cells.size, row.sizeText);
  setText(cells.cumulative, row.cumulativeText);
  setText(cells.own, row.ownCount > 0 ? `◆ ${row.ownText}` : '');
  if (cells.bar) {
    const transform = `scaleX(${row.depth.toFixed(3)})`;
    if (cells.bar.style.transform !== transform) cells.bar.style.transform = transform;
  }
  if (cells.row) {
    const mine = row.ownCount > 0;
    if (cells.row.classList.contains('own') !== mine) cells.row.classList.toggle('own', mine);
    if (cells.own)
      cells.own.title = mine ? `${row.ownCount} of your orders rest here (${row.ownText})` : '';
  }
}

function LadderRows(props: { readonly side: 'ask' | 'bid'; readonly cells: RowCells[] }) {
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
            <span role="cell" className="num price" ref={(el) => void (cells.price = el)} />
            <span role="cell" className="num size" ref={(el) => void (cells.size = el)} />
            <span role="cell" className="num depth-cell">
              <span className="depth-bar" aria-hidden="true" ref={(el) => void (cells.bar = el)} />
              <span className="depth-text" ref={(el) => void (cells.cumulative = el)} />
            </span>
            <span role="cell" className="num own-cell" ref={(el) => void (cells.own = el)} />
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
      writeRow(askCells[i], ladder.asks[i]);
      writeRow(bidCells[i], ladder.bids[i]);
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
            <LadderRows side="ask" cells={askCells} />
          </div>
          <div role="rowgroup" className="spread">
            <div role="row" className="spread-row">
              <span role="cell" aria-colspan={4}>
                Spread <span ref={spread}>—</span> · Mid <span ref={mid}>—</span>
              </span>
            </div>
          </div>
          <div role="rowgroup" className="bids">
            <LadderRows side="bid" cells={bidCells} />
          </div>
        </div>
      </Panel>
    </div>
  );
}
