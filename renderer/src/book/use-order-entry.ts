import { useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { Command } from '../../../shared/api.js';
import type { Side } from '../../../shared/domain.js';
import { useServices } from '../app/app-context.js';

/**
 * Manual trading from the ladder: the quantity box, sending orders and cancels, and what
 * the trader must see about them. An order the engine accepted for checking is followed
 * in the state stream, so a risk refusal (a Rejected order) shows here with its reason,
 * not only as a row in the Orders table.
 */
const DECIMAL = /^\d{1,12}(\.\d{1,8})?$/;

/** Null when `text` can be sent as a quantity, else why not. */
export function quantityProblem(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'enter an order quantity';
  if (!DECIMAL.test(trimmed))
    return `order quantity "${text}" must be a plain decimal such as 0.01`;
  if (!(Number(trimmed) > 0)) return 'order quantity must be above 0';
  return null;
}

export interface OrderEntry {
  readonly qty: string;
  setQty(text: string): void;
  readonly qtyProblem: string | null;
  /** A limit at `price` (the level's exchange string), or a market order without one. */
  place(side: Side, price?: string): Promise<void>;
  cancel(orderIds: readonly number[], what: string): Promise<void>;
  send(label: string, command: Command): Promise<void>;
  /** What happened last (sent, cancelled). */
  readonly notice: string | null;
  /** Why the last order or cancel was refused: by the host, the engine, or the risk check. */
  readonly refusal: string | null;
}

export function useOrderEntry(symbol: string | null): OrderEntry {
  const { api, engine } = useServices();
  const [qty, setQty] = useState('0.01');
  const [notice, setNotice] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [trackedId, setTrackedId] = useState<number | null>(null);
  const tracked = useStore(engine.store, (s) =>
    trackedId === null ? null : (s.orders.find((o) => o.orderId === trackedId) ?? null),
  );
  const qtyRef = useRef(qty);
  qtyRef.current = qty;

  const send = async (label: string, command: Command, orderId = false): Promise<void> => {
    setRefusal(null);
    setTrackedId(null);
    try {
      const ack = await api.send(command);
      if (!ack.ok) {
        setNotice(null);
        setRefusal(`${label} refused: ${ack.reason}`);
        return;
      }
      setNotice(ack.detail ?? `${label}: done`);
      if (orderId && ack.orderId !== undefined) setTrackedId(ack.orderId);
    } catch (error) {
      setRefusal(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const place = async (side: Side, price?: string): Promise<void> => {
    if (symbol === null) return;
    const amount = qtyRef.current.trim();
    const problem = quantityProblem(amount);
    const label = `${side} ${amount} ${symbol} ${price === undefined ? 'at market' : `at ${price}`}`;
    if (problem !== null) {
      setNotice(null);
      setRefusal(`${label} not sent: ${problem}`);
      return;
    }
    await send(
      label,
      {
        type: 'placeOrder',
        symbol,
        side,
        orderType: price === undefined ? 'Market' : 'Limit',
        ...(price === undefined ? {} : { price }),
        qty: amount,
      },
      true,
    );
  };

  const cancel = async (orderIds: readonly number[], what: string): Promise<void> => {
    for (const orderId of orderIds) await send(what, { type: 'cancelOrder', orderId });
  };

  const riskRefusal =
    tracked !== null && tracked.status === 'Rejected'
      ? `Order ${tracked.orderId} refused: ${(tracked.reason ?? 'rejected').replace(/_/g, ' ')}`
      : null;
  return {
    qty,
    setQty,
    qtyProblem: quantityProblem(qty),
    place,
    cancel,
    send: (label, command) => send(label, command),
    notice: riskRefusal === null ? notice : null,
    refusal: refusal ?? riskRefusal,
  };
}
