import type { HeatColumn, HeatmapRing, PriceWindow } from './heatmap-ring.js';

/**
 * Draws the heatmap on a 2D canvas. Live, each update costs one column: the picture is
 * shifted left by a column's width (a copy of the canvas onto itself) and only the new
 * column is painted, so 100 updates a second cost 100 narrow strips, not 100 pictures.
 * Everything is redrawn from the ring only when the view changes (size, price band,
 * colour scale, symbol).
 */
export const COLUMN_PX = 3;
const BACKGROUND = '#0b0f14';
const MID = '#58a6ff';
const BUY = 'rgba(63, 185, 80, 0.85)';
const SELL = 'rgba(248, 81, 73, 0.85)';

/** Colour stops from nothing to full intensity; r + g + b grows at every step. */
const RAMP: ReadonlyArray<readonly [number, number, number]> = [
  [11, 15, 20],
  [20, 40, 140],
  [0, 190, 220],
  [250, 225, 60],
  [255, 255, 255],
];

/** The colour for a quantity as a fraction `t` (0..1) of the scale's full intensity. */
function rampColour(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  const mix = (k: 0 | 1 | 2): number => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

export interface PaintView {
  readonly window: PriceWindow;
  /** Quantity drawn at full intensity. */
  readonly fullQty: number;
}

export class HeatmapPainter {
  constructor(private readonly canvas: HTMLCanvasElement) {}

  private get ctx(): CanvasRenderingContext2D | null {
    return this.canvas.getContext('2d');
  }

  private y(price: number, view: PaintView): number {
    const { low, high } = view.window;
    return ((high - price) / (high - low)) * this.canvas.height;
  }

  /** Redraws every kept column that fits, newest at the right edge. */
  redraw(ring: HeatmapRing, view: PaintView): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    const { width, height } = this.canvas;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, width, height);
    const fit = Math.min(ring.size, Math.ceil(width / COLUMN_PX));
    const first = ring.size - fit;
    for (let i = first; i < ring.size; i++) {
      const x = width - (ring.size - i) * COLUMN_PX;
      this.paintColumn(ctx, x, ring.at(i), i > first ? ring.at(i - 1) : null, view);
    }
  }

  /** Shifts the picture one column left and paints `column` at the right edge. */
  append(column: HeatColumn, previous: HeatColumn | null, view: PaintView): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    const { width, height } = this.canvas;
    ctx.drawImage(
      this.canvas,
      COLUMN_PX,
      0,
      width - COLUMN_PX,
      height,
      0,
      0,
      width - COLUMN_PX,
      height,
    );
    this.paintColumn(ctx, width - COLUMN_PX, column, previous, view);
  }

  private paintColumn(
    ctx: CanvasRenderingContext2D,
    x: number,
    column: HeatColumn,
    previous: HeatColumn | null,
    view: PaintView,
  ): void {
    const height = this.canvas.height;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(x, 0, COLUMN_PX, height);
    const band = this.levelBand(column, view);
    for (let k = 0; k < column.levels; k++) {
      const qty = column.qtys[k]!;
      if (!(qty > 0)) continue;
      const y = this.y(column.prices[k]!, view);
      if (y < -band || y > height + band) continue;
      ctx.fillStyle = rampColour(qty / view.fullQty);
      ctx.fillRect(x, Math.round(y - band / 2), COLUMN_PX, Math.max(1, Math.round(band)));
    }
    if (Number.isFinite(column.mid)) {
      const y = this.y(column.mid, view);
      const from =
        previous !== null && Number.isFinite(previous.mid) ? this.y(previous.mid, view) : y;
      ctx.strokeStyle = MID;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x - COLUMN_PX / 2, from);
      ctx.lineTo(x + COLUMN_PX / 2, y);
      ctx.stroke();
    }
    for (const trade of column.trades) {
      // Area grows with volume: radius with its square root.
      const radius = Math.max(2, Math.min(12, 2 + 6 * Math.sqrt(trade.qty / view.fullQty)));
      ctx.fillStyle = trade.buy ? BUY : SELL;
      ctx.beginPath();
      ctx.arc(x + COLUMN_PX / 2, this.y(trade.price, view), radius, 0, Math.PI * 2);
      ctx.fill();
    }
  }

  /** Height of one price level in pixels: the book's smallest gap between levels. */
  private levelBand(column: HeatColumn, view: PaintView): number {
    let gap = Infinity;
    for (let k = 1; k < column.levels; k++) {
      const d = Math.abs(column.prices[k]! - column.prices[k - 1]!);
      if (d > 0 && d < gap) gap = d;
    }
    if (!Number.isFinite(gap)) return 2;
    const px = (gap / (view.window.high - view.window.low)) * this.canvas.height;
    return Math.max(1, Math.min(12, px));
  }
}
