import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * The window's arrangement, kept across restarts in localStorage: which panels are
 * collapsed, whether the chart and its PnL pane show, the symbol in view, the book's
 * width. A stored value that is missing, corrupt or from an older layout falls back
 * field by field to the default rather than breaking the window.
 */
const PANEL_IDS = ['book', 'chart', 'signals', 'orders', 'positions', 'params', 'history'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface Layout {
  readonly collapsed: Readonly<Record<PanelId, boolean>>;
  readonly pnlPane: boolean;
  /** Symbol shown in the book and chart; null = the first the engine trades. */
  readonly symbol: string | null;
  /** Book panel width in CSS pixels; null = the stylesheet's. */
  readonly bookWidthPx: number | null;
}

export const LAYOUT_STORAGE_KEY = 'lockstep.layout.v1';

export const DEFAULT_LAYOUT: Layout = {
  collapsed: {
    book: false,
    chart: false,
    signals: false,
    orders: false,
    positions: false,
    params: false,
    history: true,
  },
  pnlPane: true,
  symbol: null,
  bookWidthPx: null,
};

/** The part of Web Storage the layout needs; null where there is none. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseLayout(text: string | null): Layout {
  if (text === null) return DEFAULT_LAYOUT;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_LAYOUT;
  }
  if (!isRecord(raw)) return DEFAULT_LAYOUT;
  const collapsed = { ...DEFAULT_LAYOUT.collapsed };
  if (isRecord(raw.collapsed)) {
    for (const id of PANEL_IDS) {
      const value = raw.collapsed[id];
      if (typeof value === 'boolean') collapsed[id] = value;
    }
  }
  const symbol =
    typeof raw.symbol === 'string' && /^[A-Z0-9]{2,20}$/.test(raw.symbol) ? raw.symbol : null;
  const width = raw.bookWidthPx;
  const bookWidthPx =
    typeof width === 'number' && Number.isFinite(width) && width >= 200 && width <= 2000
      ? width
      : null;
  return {
    collapsed,
    pnlPane: typeof raw.pnlPane === 'boolean' ? raw.pnlPane : DEFAULT_LAYOUT.pnlPane,
    symbol,
    bookWidthPx,
  };
}

export type LayoutStore = StoreApi<Layout> & {
  toggle(panel: PanelId): void;
  setPnlPane(visible: boolean): void;
  setSymbol(symbol: string): void;
  setBookWidth(px: number): void;
};

export function createLayoutStore(storage: KeyValueStorage | null): LayoutStore {
  let initial = DEFAULT_LAYOUT;
  try {
    initial = parseLayout(storage?.getItem(LAYOUT_STORAGE_KEY) ?? null);
  } catch {
    // Storage can throw (disabled, sandboxed): the window still works with defaults.
  }
  const store = createStore<Layout>()(() => initial);
  store.subscribe((layout) => {
    try {
      storage?.setItem(LAYOUT_STORAGE_KEY, JSON.stringify(layout));
    } catch {
      // A full or disabled storage loses only the arrangement, never trading state.
    }
  });
  return Object.assign(store, {
    toggle(panel: PanelId) {
      const layout = store.getState();
      store.setState({ collapsed: { ...layout.collapsed, [panel]: !layout.collapsed[panel] } });
    },
    setPnlPane(visible: boolean) {
      store.setState({ pnlPane: visible });
    },
    setSymbol(symbol: string) {
      store.setState({ symbol });
    },
    setBookWidth(px: number) {
      const rounded = Math.round(px);
      if (rounded >= 200 && rounded <= 2000 && rounded !== store.getState().bookWidthPx) {
        store.setState({ bookWidthPx: rounded });
      }
    },
  });
}
