import { ctrlShiftKey, type HotkeyEvent } from '../components/hotkeys.js';
import type { OrderEntry } from './use-order-entry.js';

/**
 * Above the ladder: the quantity every click and hotkey trades, market buy and sell, and
 * the answer to the last order. Hotkeys work from any panel: Ctrl+Shift+B buys a limit at
 * the best bid, Ctrl+Shift+S sells a limit at the best ask (the touch), Ctrl+Shift+X cancels
 * every open order, Ctrl+Shift+F flattens every position.
 */
export type LadderHotkey = 'buy' | 'sell' | 'cancelAll' | 'flatten';

const KEYS: Readonly<Record<string, LadderHotkey>> = {
  b: 'buy',
  s: 'sell',
  x: 'cancelAll',
  f: 'flatten',
};

export function ladderHotkey(event: HotkeyEvent): LadderHotkey | null {
  const key = ctrlShiftKey(event);
  return key === null ? null : (KEYS[key] ?? null);
}

export function OrderEntryBar(props: { readonly entry: OrderEntry }) {
  const { entry } = props;
  const invalid = entry.qtyProblem !== null;
  return (
    <div className="order-entry" role="group" aria-label="Order entry">
      <label className="order-qty">
        <span>Qty</span>
        <input
          name="order_quantity"
          aria-label="Order quantity"
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          className="num"
          value={entry.qty}
          aria-invalid={invalid}
          title={
            entry.qtyProblem ?? 'quantity of every ladder click, market order and hotkey order'
          }
          onChange={(event) => entry.setQty(event.target.value)}
        />
      </label>
      <button
        type="button"
        className="buy-button"
        disabled={invalid}
        title="Buy at market (best ask and up); Ctrl+Shift+B buys a limit at the best bid"
        onClick={() => void entry.place('Buy')}
      >
        Buy market
      </button>
      <button
        type="button"
        className="sell-button"
        disabled={invalid}
        title="Sell at market (best bid and down); Ctrl+Shift+S sells a limit at the best ask"
        onClick={() => void entry.place('Sell')}
      >
        Sell market
      </button>
      <p className="order-entry-hint">click a bid to buy there, an ask to sell, ◆ to cancel</p>
      {entry.refusal !== null ? (
        <p role="alert" className="inline-alert order-refusal">
          {entry.refusal}
        </p>
      ) : (
        <p role="status" aria-label="Last order" className="order-notice">
          {entry.notice ?? ''}
        </p>
      )}
    </div>
  );
}
