/** Binance writes prices and quantities with exactly 8 decimals: "61837.63000000". */
export function format8(units: number): string {
  const whole = Math.floor(units / 100_000_000);
  const frac = units - whole * 100_000_000;
  return `${whole}.${String(frac).padStart(8, '0')}`;
}

export type LevelText = [string, string];

/** A REST depth snapshot body as Binance sends it. */
export function snapshotJson(lastUpdateId: number, bids: readonly LevelText[], asks: readonly LevelText[]): string {
  return JSON.stringify({ lastUpdateId, bids, asks });
}
