/**
 * Delay before reconnect attempt `attempt` (0 = first retry): doubling from 250 ms to a
 * 5 s ceiling, so a host that restarts in a second is found again quickly and one that is
 * gone for long is not hammered. `jitter` in [0, 1) spreads several windows apart.
 */
export const BACKOFF_FIRST_MS = 250;
export const BACKOFF_MAX_MS = 5000;

export function reconnectDelayMs(attempt: number, jitter = 0): number {
  const exponent = Math.max(0, Math.min(attempt, 10));
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** exponent);
  return Math.round(base * (1 - 0.2 * jitter));
}
