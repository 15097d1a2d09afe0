import { FIXED_SCALE } from '../../../../shared/domain.js';

/**
 * `risk_limits.max_drawdown` (docs/ARCHITECTURE.md §6): how far total PnL (realized + unrealized,
 * quote currency) may fall below its highest point before trading halts. The peak is the
 * highest PnL seen — not the PnL at start — and is kept even while the limit is off, so
 * turning it on measures from the real peak. A re-arm after a halt starts a new peak at
 * the PnL of that moment: the trader re-armed knowing the loss, and would otherwise be
 * halted again at once. With no trades PnL stays 0, so it never fires.
 */
export class DrawdownGuard {
  private peak = Number.NaN;

  /**
   * One PnL observation (1e-8 quote units; NaN — no mid yet — is skipped). Returns the
   * halt reason when the drawdown reaches the limit (quote currency; 0 = off), else null.
   */
  observe(pnlUnits: number, maxDrawdown: number): string | null {
    if (Number.isNaN(pnlUnits)) return null;
    if (!(pnlUnits <= this.peak)) this.peak = pnlUnits;
    if (!(maxDrawdown > 0)) return null;
    const drawdown = (this.peak - pnlUnits) / FIXED_SCALE;
    if (drawdown < maxDrawdown) return null;
    return `drawdown ${drawdown.toFixed(2)} ≥ max_drawdown ${maxDrawdown} (PnL ${(pnlUnits / FIXED_SCALE).toFixed(2)}, peak ${(this.peak / FIXED_SCALE).toFixed(2)})`;
  }

  /** Trading was re-armed: measure from here. */
  restartPeak(): void {
    this.peak = Number.NaN;
  }
}
