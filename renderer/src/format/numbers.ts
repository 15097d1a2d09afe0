/** Display formatting of plain numbers: money, ratios, durations, latencies, clock times. */

const DASH = '—';

const moneyFormat = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  useGrouping: true,
});

/** PnL and notional: two decimals, grouped thousands, an explicit sign for gains. */
export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const text = moneyFormat.format(value);
  // -0.004 rounds to "-0.00": show it as flat, not as a loss.
  if (text === '-0.00') return '0.00';
  return value > 0 && text !== '0.00' ? `+${text}` : text;
}

export function formatFixedNumber(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toFixed(decimals);
}

export function formatRatioPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  return `${(ratio * 100).toFixed(1)} %`;
}

/** Latency in microseconds, switching to milliseconds where µs digits stop being useful. */
export function formatMicros(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return DASH;
  if (us >= 10_000) return `${(us / 1000).toFixed(1)} ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  return `${us.toFixed(1)} µs`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return DASH;
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}h ${mm}m ${ss}s` : `${m}m ${ss}s`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time with milliseconds, as a trader reads a tape: 14:03:07.125. */
export function formatClockUs(tsUs: number | null | undefined): string {
  if (tsUs === null || tsUs === undefined || !Number.isFinite(tsUs) || tsUs <= 0) return DASH;
  const date = new Date(Math.floor(tsUs / 1000));
  const ms = String(date.getMilliseconds()).padStart(3, '0');
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${ms}`;
}

/** Rate per second, integer above 100 where decimals are noise. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return DASH;
  return perSecond >= 100 ? Math.round(perSecond).toString() : perSecond.toFixed(1);
}
