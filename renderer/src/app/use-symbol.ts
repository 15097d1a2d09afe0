import { useStore } from 'zustand';
import { useServices } from './app-context.js';

/** The symbol in view: the trader's choice when the engine trades it, else the first. */
export function useSelectedSymbol(): string | null {
  const { engine, layout } = useServices();
  const symbols = useStore(engine.store, (s) => s.symbols);
  const chosen = useStore(layout, (l) => l.symbol);
  if (chosen !== null && symbols.includes(chosen)) return chosen;
  return symbols[0] ?? chosen;
}
