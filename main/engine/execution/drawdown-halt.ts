import {
  DEFAULT_RISK_LIMITS,
  DEFAULT_STRATEGY_PARAMS,
  type RiskLimits,
} from '../../../shared/config.js';
import { TradingStateCode } from '../../../shared/domain.js';
import type { ControlBlock } from '../core/control-block.js';
import { DrawdownGuard } from '../strategy/risk/drawdown-guard.js';
import type { PaperBroker } from './paper-broker.js';

/**
 * The drawdown check where PnL is computed: on the broker's thread, after the broker
 * handled events. It reads `max_drawdown` from the live parameters (one Atomics.load when
 * unchanged), halts through the control block's trading-state word — which every thread
 * reads before every order — and tells the engine's main thread why, once per halt.
 */
export class DrawdownHalt {
  private readonly guard = new DrawdownGuard();
  private readonly params = { ...DEFAULT_STRATEGY_PARAMS };
  private readonly limits: RiskLimits = { ...DEFAULT_RISK_LIMITS };
  private generation = 0;
  private halted = false;

  constructor(
    private readonly broker: PaperBroker,
    private readonly control: ControlBlock,
    private readonly onHalt: (reason: string) => void,
  ) {}

  check(): void {
    this.generation = this.control.readParams(this.params, this.limits, this.generation);
    if (this.control.tradingState() === TradingStateCode.HALTED) {
      this.halted = true;
      return;
    }
    if (this.halted) {
      this.halted = false;
      this.guard.restartPeak();
    }
    const reason = this.guard.observe(this.broker.totalPnl(), this.limits.max_drawdown);
    if (reason === null) return;
    this.control.setTradingState(TradingStateCode.HALTED);
    this.halted = true;
    this.onHalt(reason);
  }
}
