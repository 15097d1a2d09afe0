import { useRef } from 'react';
import type { EngineState } from '../../../shared/api.js';
import { useServices } from '../app/app-context.js';
import { setText, useTransient } from '../app/use-transient.js';
import { formatDuration, formatMicros, formatRate, formatRatioPercent } from '../format/numbers.js';
import type { ConnectionStatus } from '../store/connection-store.js';

/**
 * Feed state, rates, latency, ring fill, uptime. These change every frame, so the bar
 * renders once and the numbers are written straight into their cells.
 */
const NUMBERS_EVERY_MS = 250;

function feedText(status: ConnectionStatus, state: EngineState | null): string {
  if (status !== 'connected')
    return status === 'connecting'
      ? 'Feed: connecting to host'
      : 'Feed: unknown (host disconnected)';
  if (state === null) return 'Feed: waiting for engine';
  return `Feed: ${state.health.feed}`;
}

function busiestRing(
  utilization: Readonly<Record<string, number>>,
): { name: string; ratio: number } | null {
  let best: { name: string; ratio: number } | null = null;
  for (const [name, ratio] of Object.entries(utilization)) {
    if (Number.isFinite(ratio) && (best === null || ratio > best.ratio)) best = { name, ratio };
  }
  return best;
}

export function HealthBar() {
  const { engine, connection } = useServices();
  const feed = useRef<HTMLSpanElement>(null);
  const rate = useRef<HTMLElement>(null);
  const t2t = useRef<HTMLElement>(null);
  const ring = useRef<HTMLElement>(null);
  const uptime = useRef<HTMLElement>(null);
  const restarts = useRef<HTMLElement>(null);
  const orders = useRef<HTMLElement>(null);
  const rejections = useRef<HTMLElement>(null);

  const lastNumbersMs = useRef(Number.NEGATIVE_INFINITY);
  const draw = (): void => {
    const state = engine.store.getState().state;
    const status = connection.getState().status;
    const text = feedText(status, state);
    setText(feed.current, text);
    if (feed.current)
      feed.current.dataset.feed = status === 'connected' && state ? state.health.feed : 'unknown';
    if (state === null) return;
    // The feed state shows at once; the numbers four times a second, which is as fast as
    // anyone reads them and spares a header re-layout every frame.
    const now = performance.now();
    if (now - lastNumbersMs.current < NUMBERS_EVERY_MS) return;
    lastNumbersMs.current = now;
    const health = state.health;
    setText(rate.current, formatRate(health.messagesPerSecond));
    setText(
      t2t.current,
      `${formatMicros(health.tickToTrade.p50Us)} / ${formatMicros(health.tickToTrade.p99Us)}`,
    );
    const busiest = busiestRing(health.ringUtilization);
    setText(ring.current, busiest ? `${formatRatioPercent(busiest.ratio)} (${busiest.name})` : '—');
    if (ring.current) {
      ring.current.title = Object.entries(health.ringUtilization)
        .map(([name, ratio]) => `${name}: ${formatRatioPercent(ratio)}`)
        .join('\n');
    }
    setText(uptime.current, formatDuration(health.uptimeSeconds));
    setText(restarts.current, String(health.restarts));
    setText(orders.current, String(health.ordersSubmitted));
    const rejected = Object.values(health.rejections).reduce(
      (sum, n) => sum + (Number.isFinite(n) ? n : 0),
      0,
    );
    setText(rejections.current, String(rejected));
    if (rejections.current) {
      rejections.current.title = Object.entries(health.rejections)
        .map(([reason, n]) => `${reason}: ${n}`)
        .join('\n');
    }
  };
  useTransient(engine.store, draw);
  useTransient(connection, draw);

  return (
    <div className="health-bar" aria-label="Engine health" role="group">
      <span
        role="status"
        aria-label="Connection"
        aria-live="polite"
        className="feed-state"
        ref={feed}
      >
        Feed: connecting to host
      </span>
      <span className="metric">
        msg/s <b ref={rate}>—</b>
      </span>
      <span className="metric" title="tick-to-trade latency, p50 / p99">
        tick→trade p50/p99 <b ref={t2t}>—</b>
      </span>
      <span className="metric">
        ring <b ref={ring}>—</b>
      </span>
      <span className="metric">
        uptime <b ref={uptime}>—</b>
      </span>
      <span className="metric">
        restarts <b ref={restarts}>—</b>
      </span>
      <span className="metric">
        orders <b ref={orders}>—</b>
      </span>
      <span className="metric">
        rejected <b ref={rejections}>—</b>
      </span>
    </div>
  );
}
