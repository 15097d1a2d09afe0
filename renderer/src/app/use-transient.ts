import { useLayoutEffect, useRef } from 'react';
import type { StoreApi } from 'zustand/vanilla';

/**
 * Calls `onChange` with every published store state without re-rendering the component:
 * the high-rate panels (book, chart, health numbers) write into the DOM or the chart
 * themselves. The store publishes at most once per animation frame, so this runs inside
 * that frame's callback.
 */
export function useTransient<T>(store: StoreApi<T>, onChange: (state: T) => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useLayoutEffect(() => {
    latest.current(store.getState());
    return store.subscribe((state) => latest.current(state));
  }, [store]);
}

/** Sets textContent only when it changed: unchanged cells cost no layout. */
export function setText(element: HTMLElement | null, text: string): void {
  if (element !== null && element.textContent !== text) element.textContent = text;
}
