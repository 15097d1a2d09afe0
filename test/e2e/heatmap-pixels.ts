import type { Page } from 'playwright-core';

/** A point on the heatmap: the chart's x for `time` (seconds), moved `barsAfter` bars on. */
export interface HeatmapPoint {
  readonly time: number;
  readonly barsAfter: number;
}

export interface HeatmapReading {
  /** The x of each point, null when the chart has no x for its time. */
  readonly xs: (number | null)[];
  /** r + g + b at each point in the row of the price, null when off the chart. */
  readonly sums: (number | null)[];
  /** The chart's width of one bar, in pixels. */
  readonly barSpacing: number;
  readonly summary: string;
}

/**
 * Reads the heatmap canvas back in the row of `price` at points placed by the price
 * chart's own time axis, in one evaluation so the readings and summary are of one frame.
 */
export function readHeatmap(
  page: Page,
  price: number,
  points: readonly HeatmapPoint[],
): Promise<HeatmapReading> {
  return page.evaluate(
    ({ price, points }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(
        'canvas[aria-label="Liquidity heatmap"]',
      )!;
      const scale = (
        document.querySelector('.chart-host') as unknown as {
          lockstepChart: {
            timeScale(): {
              timeToCoordinate(t: number): number | null;
              logicalToCoordinate(l: number): number | null;
              width(): number;
            };
          };
        }
      ).lockstepChart.timeScale();
      const high = Number(canvas.dataset.priceHigh);
      const low = Number(canvas.dataset.priceLow);
      const y = Math.round(((high - price) / (high - low)) * canvas.height);
      const ctx = canvas.getContext('2d')!;
      const barSpacing = scale.logicalToCoordinate(1)! - scale.logicalToCoordinate(0)!;
      const xs = points.map(({ time, barsAfter }) => {
        const x = scale.timeToCoordinate(time);
        return x === null ? null : x + barsAfter * barSpacing;
      });
      const sums = xs.map((x) => {
        if (x === null || x < 0 || x >= scale.width()) return null;
        const [r, g, b] = ctx.getImageData(Math.round(x), y, 1, 1).data;
        return r! + g! + b!;
      });
      const summary = document.querySelector('.heatmap-summary')?.textContent ?? '';
      return { xs, sums, barSpacing, summary };
    },
    { price, points },
  );
}
