import { BUCKET_US } from '../chart/chart-history.js';
import type { HeatColumn, HeatmapRing, PriceWindow } from './heatmap-ring.js';
import type { AxisPoint, AxisView, HeatmapTimeAxis } from './heatmap-time-axis.js';

/**
 * Draws the heatmap on a 2D canvas, each column at the x the price chart's time axis gives
 * its time, so both panes show a time at the same x. Live, each update paints only the new
 * column; when the chart scrolls (as it does with each new bar while pinned to the newest)
 * the picture is moved by whole pixels (a copy of the canvas onto itself) and only what
 * came into view is painted. Everything visible is redrawn from the ring only when the
 * view changes otherwise (zoom, size, price band, colour scale, symbol).
 */
const BACKGROUND = '#0b0f14';
const MID = '#58a6ff';
const LABEL = '#8b949e';
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

/** The colour for a fraction `t` (0..1) of the scale's full intensity, built once. */
function rampColourOf(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  const mix = (k: 0 | 1 | 2): number => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/**
 * 256 steps of the ramp as ready CSS strings: a redraw paints tens of thousands of level
 * cells, and building a colour string for each was most of its cost.
 */
const RAMP_STEPS = 255;
const RAMP_TABLE: readonly string[] = Array.from({ length: RAMP_STEPS + 1 }, (_, i) =>
  rampColourOf(i / RAMP_STEPS),
);

/** The colour for a quantity as a fraction `t` (0..1) of the scale's full intensity. */
function rampColour(t: number): string {
  return RAMP_TABLE[Math.round(Math.max(0, Math.min(1, t)) * RAMP_STEPS)]!;
}

export interface PaintView {
  readonly window: PriceWindow;
  /** Quantity drawn at full intensity. */
  readonly fullQty: number;
}

/** Which kept columns the last paint showed (ring indices, oldest first). */
export interface VisibleColumns {
  readonly first: number;
  readonly last: number;
}

export class HeatmapPainter {
  /** The axis view the canvas was last painted for; a scroll of it is a shift of pixels. */
  private painted: AxisView | null = null;
  /** Pixels the shifted picture is off from the exact scroll (shifts move whole pixels). */
  private shiftDebtPx = 0;
  /** The oldest column drawn at an extrapolated x, repainted once the chart has its bar. */
  private guessFromUs: number | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  private get ctx(): CanvasRenderingContext2D | null {
    return this.canvas.getContext('2d');
  }

  private y(price: number, view: PaintView): number {
    const { low, high } = view.window;
    return ((high - price) / (high - low)) * this.canvas.height;
  }

  /** Redraws the columns the chart's time axis shows, from the ring. */
  redraw(ring: HeatmapRing, view: PaintView, axis: HeatmapTimeAxis): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    axis.invalidate();
    this.painted = axis.view();
    this.shiftDebtPx = 0;
    this.guessFromUs = null;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.paintScale(ctx, view, axis.width);
    this.paintRange(ctx, ring, view, axis, 0);
  }

  /**
   * The chart scrolled or zoomed (or drew a new bar and moved with it). A scroll at the
   * same zoom moves the picture by whole pixels and paints only what came into view; a
   * zoom, or a scroll that would leave the picture more than half a pixel off, redraws.
   */
  follow(ring: HeatmapRing, view: PaintView, axis: HeatmapTimeAxis): void {
    const ctx = this.ctx;
    const before = this.painted;
    const now = axis.view();
    if (ctx === null || now === null) return;
    if (
      before === null ||
      Math.abs(before.barSpacing - now.barSpacing) > 1e-9 ||
      before.width !== now.width
    ) {
      this.redraw(ring, view, axis);
      return;
    }
    const exact = (before.from - now.from) * now.barSpacing + this.shiftDebtPx;
    const dx = Math.round(exact);
    if (Math.abs(dx) >= now.width) {
      this.redraw(ring, view, axis);
      return;
    }
    axis.invalidate();
    this.painted = now;
    this.shiftDebtPx = exact - dx;
    const { height } = this.canvas;
    if (dx === 0) {
      const guess = this.guessStart(axis);
      if (guess !== null) this.paintRange(ctx, ring, view, axis, guess);
      return;
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, now.width, height);
    ctx.clip();
    ctx.drawImage(this.canvas, 0, 0, now.width, height, dx, 0, now.width, height);
    ctx.restore();
    // What came into view: the strip on the side the picture moved away from.
    const from = dx < 0 ? now.width + dx : 0;
    const to = dx > 0 ? dx : now.width;
    if (dx > 0) {
      const guess = this.guessStart(axis);
      this.paintRange(ctx, ring, view, axis, from, to);
      if (guess !== null) this.paintRange(ctx, ring, view, axis, guess);
    } else this.paintRange(ctx, ring, view, axis, Math.min(from, this.guessStart(axis) ?? from));
  }

  /** Paints the newest column (and any drawn at a guessed x) where the axis puts it. */
  append(ring: HeatmapRing, view: PaintView, axis: HeatmapTimeAxis): void {
    const ctx = this.ctx;
    const newest = ring.newest;
    if (ctx === null || newest === null) return;
    if (this.painted === null) {
      this.redraw(ring, view, axis);
      return;
    }
    // The chart moved since the last paint and its event has not been handled yet: move
    // the picture first, or the new column would be painted on the new axis and then
    // moved once more.
    const now = axis.view();
    const then = this.painted;
    if (
      now !== null &&
      (now.from !== then.from || now.barSpacing !== then.barSpacing || now.width !== then.width)
    ) {
      this.follow(ring, view, axis);
    }
    axis.invalidate();
    const at = axis.x(newest.tsUs);
    if (at === null) return;
    const from = Math.min(Math.round(at.x), this.guessStart(axis) ?? Infinity);
    this.paintRange(ctx, ring, view, axis, Math.max(0, from));
  }

  private guessStart(axis: HeatmapTimeAxis): number | null {
    if (this.guessFromUs === null) return null;
    const at = axis.x(this.guessFromUs);
    return at === null ? null : Math.max(0, Math.round(at.x));
  }

  /**
   * Paints the columns that cover pixels `from`..`to` of the pane. Column i covers the
   * pixels from its x to the next column's; the newest, to where its bucket's next bar
   * would be. Where several columns share a pixel the newest wins, so the work is bounded
   * by the pane's width, not by how many updates it shows.
   */
  private paintRange(
    ctx: CanvasRenderingContext2D,
    ring: HeatmapRing,
    view: PaintView,
    axis: HeatmapTimeAxis,
    from: number,
    to: number = axis.width,
  ): void {
    const { height } = this.canvas;
    const left = Math.max(0, Math.floor(from));
    const right = Math.min(axis.width, Math.ceil(to));
    if (right <= left) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, 0, right - left, height);
    ctx.clip();
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(left, 0, right - left, height);
    const xs = (i: number): AxisPoint | null => axis.x(ring.at(i).tsUs);
    const start = this.firstReaching(ring, axis, left);
    this.guessFromUs = null;
    let at = start < ring.size ? xs(start) : null;
    for (let i = start; i < ring.size && at !== null; i++) {
      const x0 = Math.round(at.x);
      if (x0 >= right) break;
      const next = i + 1 < ring.size ? xs(i + 1) : null;
      const column = ring.at(i);
      const end = next ?? axis.x(column.tsUs + BUCKET_US);
      const x1 = end === null ? x0 + 1 : Math.max(x0 + 1, Math.round(end.x));
      if (at.guess && this.guessFromUs === null) this.guessFromUs = column.tsUs;
      if (next === null || Math.round(next.x) > x0) {
        this.paintColumn(ctx, x0, x1 - x0, column, i > 0 ? ring.at(i - 1) : null, view);
      }
      at = next;
    }
    ctx.restore();
  }

  /** The first ring index whose column reaches pixel `x` (binary search: x grows with time). */
  private firstReaching(ring: HeatmapRing, axis: HeatmapTimeAxis, x: number): number {
    let lo = 0;
    let hi = ring.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const at = axis.x(ring.at(mid).tsUs);
      if (at !== null && Math.round(at.x) <= x) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  /** Which columns the whole pane shows now. */
  visible(ring: HeatmapRing, axis: HeatmapTimeAxis): VisibleColumns | null {
    if (ring.size === 0) return null;
    const first = this.firstReaching(ring, axis, 0);
    const last = this.firstReaching(ring, axis, axis.width - 1);
    const firstAt = axis.x(ring.at(first).tsUs);
    if (firstAt === null || Math.round(firstAt.x) >= axis.width) return null;
    const lastCol = axis.x(ring.at(last).tsUs);
    const endAt = axis.x(ring.at(last).tsUs + BUCKET_US);
    if (lastCol === null || (last === ring.size - 1 && endAt !== null && endAt.x < 0)) return null;
    return { first, last };
  }

  /** Price labels in the strip under the chart's price scale: top, middle and bottom rows. */
  private paintScale(ctx: CanvasRenderingContext2D, view: PaintView, plotWidth: number): void {
    const { width, height } = this.canvas;
    if (width - plotWidth < 20) return;
    ctx.fillStyle = LABEL;
    ctx.font = '10px sans-serif';
    ctx.textBaseline = 'middle';
    const { low, high } = view.window;
    const decimals = Math.max(0, Math.min(8, Math.ceil(-Math.log10((high - low) / 10))));
    for (const [price, y] of [
      [high, 8],
      [(high + low) / 2, height / 2],
      [low, height - 8],
    ] as const) {
      ctx.fillText(price.toFixed(decimals), plotWidth + 4, y);
    }
  }

  private paintColumn(
    ctx: CanvasRenderingContext2D,
    x: number,
    w: number,
    column: HeatColumn,
    previous: HeatColumn | null,
    view: PaintView,
  ): void {
    const height = this.canvas.height;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(x, 0, w, height);
    const band = this.levelBand(column, view);
    // Setting fillStyle parses the colour: only when it changes (neighbours often match).
    let style = BACKGROUND;
    for (let k = 0; k < column.levels; k++) {
      const qty = column.qtys[k]!;
      if (!(qty > 0)) continue;
      const y = this.y(column.prices[k]!, view);
      if (y < -band || y > height + band) continue;
      const colour = rampColour(qty / view.fullQty);
      if (colour !== style) {
        ctx.fillStyle = colour;
        style = colour;
      }
      ctx.fillRect(x, Math.round(y - band / 2), w, Math.max(1, Math.round(band)));
    }
    if (Number.isFinite(column.mid)) {
      const y = this.y(column.mid, view);
      const before =
        previous !== null && Number.isFinite(previous.mid) ? this.y(previous.mid, view) : y;
      // A previous mid outside the band (it was re-centred) would draw a wall, not a step.
      const from = before >= 0 && before <= height ? before : y;
      ctx.strokeStyle = MID;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x, from);
      ctx.lineTo(x + w, y);
      ctx.stroke();
    }
    for (const trade of column.trades) {
      // Area grows with volume: radius with its square root.
      const radius = Math.max(2, Math.min(12, 2 + 6 * Math.sqrt(trade.qty / view.fullQty)));
      ctx.fillStyle = trade.buy ? BUY : SELL;
      ctx.beginPath();
      ctx.arc(x + w / 2, this.y(trade.price, view), radius, 0, Math.PI * 2);
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
