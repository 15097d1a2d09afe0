import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { FillView, OrderView, ParamChangeView, SignalView } from '../../../shared/api.js';
import { openDatabase } from './schema.js';
import {
  loadParamHistory,
  loadRecentFills,
  loadRecentOrders,
  loadRecentSignals,
} from './restore.js';

/**
 * The window's history as the database holds it when the engine (re)starts: what the
 * trader saw before a restart comes back, instead of empty tables. Read once, read-only,
 * before any thread runs; afterwards the threads' live lists are put in front of it
 * (`withHistory`), so a restored row shows until newer rows push it out.
 */
export interface WindowHistory {
  /** Newest first, as the broker reports them. */
  readonly orders: readonly OrderView[];
  /** Newest first. */
  readonly fills: readonly FillView[];
  /** Oldest first, as the strategy thread reports them. */
  readonly signals: readonly SignalView[];
  /** Oldest first, as the engine appends edits. */
  readonly paramHistory: readonly ParamChangeView[];
}

export const EMPTY_WINDOW_HISTORY: WindowHistory = {
  orders: [],
  fills: [],
  signals: [],
  paramHistory: [],
};

/** How many rows of each the window is sent (the threads report as many). */
export const WINDOW_ROWS = { orders: 100, fills: 100, signals: 50, paramHistory: 50 } as const;

/** From a database path (opened read-only and closed again) or an open database. */
export function loadWindowHistory(target: string | Database.Database): WindowHistory {
  if (typeof target !== 'string')
    return {
      orders: loadRecentOrders(target, WINDOW_ROWS.orders),
      fills: loadRecentFills(target, WINDOW_ROWS.fills),
      signals: loadRecentSignals(target, WINDOW_ROWS.signals).reverse(),
      paramHistory: loadParamHistory(target, WINDOW_ROWS.paramHistory).reverse(),
    };
  if (target === ':memory:' || !existsSync(target)) return EMPTY_WINDOW_HISTORY;
  const db = openDatabase(target, { readonly: true });
  try {
    return loadWindowHistory(db);
  } finally {
    db.close();
  }
}

/**
 * Newest-first live rows, then the restored rows they do not already contain (the same
 * key: a restored open order is live again in the broker), `n` in all.
 */
export function withHistory<T>(
  live: readonly T[],
  restored: readonly T[],
  key: (row: T) => number,
  n: number,
): readonly T[] {
  if (restored.length === 0 || live.length >= n) return live;
  const seen = new Set(live.map(key));
  const out = live.slice();
  for (const row of restored) {
    if (out.length >= n) break;
    if (!seen.has(key(row))) out.push(row);
  }
  return out;
}

/** Oldest-first rows: the restored ones before the live ones, the newest `n` kept. */
export function afterHistory<T>(
  live: readonly T[],
  restored: readonly T[],
  n: number,
): readonly T[] {
  if (restored.length === 0 || live.length >= n) return live;
  return [...restored, ...live].slice(-n);
}
