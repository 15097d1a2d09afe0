import type { ChartMarker, ChartMarkerKind } from './chart-history.js';

/**
 * Fill and signal markers, aggregated so the chart stays readable after hours of trading:
 * one marker per kind per time bucket, its size growing with the count, no text but the
 * count; what it stands for is in its tooltip. The bucket follows the zoom (about a
 * hundred buckets across the visible range), so zooming in splits markers apart again
 * and the number drawn is bounded by buckets × kinds, never by the hours traded.
 */
export interface AggregatedMarker {
  /** The first event's time in the bucket (seconds). */
  readonly time: number;
  readonly kind: ChartMarkerKind;
  readonly count: number;
  /** Stable for a bucket: the chart reports it back when the marker is hovered. */
  readonly id: string;
  /** Tooltip text: the count and the first few events, one a line. */
  readonly detail: string;
}

const NICE_BUCKETS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600];

/** The bucket (s) that puts about `buckets` of them across `visibleSeconds`. */
export function bucketSecondsFor(visibleSeconds: number, buckets = 100): number {
  const wanted = visibleSeconds / buckets;
  for (const step of NICE_BUCKETS_S) if (step >= wanted) return step;
  return NICE_BUCKETS_S[NICE_BUCKETS_S.length - 1]!;
}

const KIND_NAMES: Readonly<Record<ChartMarkerKind, [string, string]>> = {
  buy: ['buy fill', 'buy fills'],
  sell: ['sell fill', 'sell fills'],
  'signal-buy': ['buy signal', 'buy signals'],
  'signal-sell': ['sell signal', 'sell signals'],
  'signal-suppressed': ['suppressed signal', 'suppressed signals'],
};

/** Markers in time order in, one per (bucket, kind) out, in time order. */
export function aggregateMarkers(
  markers: readonly ChartMarker[],
  bucketSeconds: number,
  detailLines = 4,
): AggregatedMarker[] {
  const out: AggregatedMarker[] = [];
  // Within a bucket each kind is open until the bucket ends.
  let bucket = Number.NaN;
  const open = new Map<ChartMarkerKind, { time: number; count: number; lines: string[] }>();
  const close = (): void => {
    for (const [kind, group] of open) {
      const [one, many] = KIND_NAMES[kind];
      const more = group.count - group.lines.length;
      out.push({
        time: group.time,
        kind,
        count: group.count,
        id: `${kind}@${bucket}`,
        detail: [
          `${group.count} ${group.count === 1 ? one : many}`,
          ...group.lines,
          ...(more > 0 ? [`… and ${more} more`] : []),
        ].join('\n'),
      });
    }
    open.clear();
  };
  for (const marker of markers) {
    const at = Math.floor(marker.time / bucketSeconds) * bucketSeconds;
    if (at !== bucket) {
      close();
      bucket = at;
    }
    const group = open.get(marker.kind);
    if (group === undefined)
      open.set(marker.kind, { time: marker.time, count: 1, lines: [marker.detail] });
    else {
      group.count++;
      if (group.lines.length < detailLines) group.lines.push(marker.detail);
    }
  }
  close();
  out.sort((a, b) => a.time - b.time);
  return out;
}

/** Marker size (lightweight-charts' unit) for a count: 1 alone, growing slowly to 3. */
export const markerSize = (count: number): number => Math.min(3, 1 + Math.log2(count) / 2);
