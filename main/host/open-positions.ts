import type { EngineState, PositionView } from '../../shared/api.js';

/**
 * The positions a trader would leave open by quitting (the desktop app asks first). A
 * quantity is a decimal string; anything that does not read as exactly zero counts as open.
 */
export function openPositions(state: EngineState | null): PositionView[] {
  if (!state) return [];
  return state.positions.filter((position) => Number(position.qty) !== 0);
}

/** "BTCUSDT 0.5, ETHUSDT -2" for the confirmation dialog. */
export function describePositions(positions: readonly PositionView[]): string {
  return positions.map((position) => `${position.symbol} ${position.qty}`).join(', ');
}
