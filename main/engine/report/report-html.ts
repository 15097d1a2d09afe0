import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Config } from '../../../shared/config.js';
import type { ReplaySummary } from '../process/replay-runner.js';
import type { Analysis } from './backtest-analysis.js';
import type { BacktestTotals } from './backtest-totals.js';
import type { FillRow } from './run-rows.js';

/**
 * The backtest report: one self-contained HTML file. The charts are lightweight-charts'
 * standalone build, read from the installed package at report time and inlined, and the
 * run's numbers are inlined as JSON, so the file opens anywhere with no network. The
 * same JSON (`#report-data`) is what tools and tests read back.
 */
export interface SweepRow {
  /** The grid point: config path → value. */
  readonly params: Readonly<Record<string, number>>;
  readonly totals: BacktestTotals;
}

export interface ReportInput {
  readonly recordingName: string;
  readonly recordingSha256: string;
  readonly config: Config;
  readonly summary: ReplaySummary;
  readonly totals: BacktestTotals;
  readonly analysis: Analysis;
  /** Fills of the first symbol, for the markers on its mid. */
  readonly fills: readonly FillRow[];
  readonly sweep?: readonly SweepRow[];
}

/** The chart library's standalone production build (defines `LightweightCharts`). */
function chartLibrarySource(): string {
  const require = createRequire(__filename);
  let packageJson: string;
  try {
    packageJson = require.resolve('lightweight-charts/package.json');
  } catch {
    throw new Error(
      'the report needs the lightweight-charts package (its standalone build is inlined into the HTML); it is not installed',
    );
  }
  return readFileSync(
    join(dirname(packageJson), 'dist', 'lightweight-charts.standalone.production.js'),
    'utf8',
  );
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** JSON safe inside a <script> element: no `</script>`, no HTML comment openers. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');

const fmt = (value: number | null, digits = 2): string =>
  value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
const pct = (value: number | null): string =>
  value === null ? '—' : `${(value * 100).toFixed(1)} %`;

function totalsRows(t: BacktestTotals): Array<[string, string]> {
  const rejections = Object.entries(t.rejections_by_reason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return [
    ['Trades (fills)', String(t.trades)],
    ['Volume (base)', fmt(t.volume, 8)],
    ['Notional (quote)', fmt(t.notional, 2)],
    ['Fees', fmt(t.fees, 8)],
    ['Realized PnL', fmt(t.realized_pnl, 8)],
    ['Unrealized PnL', fmt(t.unrealized_pnl, 8)],
    ['Total PnL', fmt(t.total_pnl, 8)],
    ['Max drawdown', fmt(t.max_drawdown, 8)],
    ['Win rate (closing fills)', pct(t.win_rate)],
    [
      'Average holding time',
      t.average_holding_ms === null ? '—' : `${fmt(t.average_holding_ms, 0)} ms`,
    ],
    ['Limit-order fill ratio', pct(t.limit_fill_ratio)],
    ['Orders', String(t.orders)],
    ['Rejections', `${t.rejections}${rejections ? ` (${rejections})` : ''}`],
    ['Signals fired / suppressed', `${t.signals_fired} / ${t.signals_suppressed}`],
    ['Final position', String(t.final_position)],
  ];
}

/** The sweep's table columns (also printed by the CLI). */
export function sweepTable(rows: readonly SweepRow[]): { head: string[]; body: string[][] } {
  const keys = rows.length > 0 ? Object.keys(rows[0]!.params) : [];
  return {
    head: [
      ...keys,
      'total PnL',
      'realized',
      'unrealized',
      'fees',
      'trades',
      'volume',
      'max DD',
      'win rate',
      'fill ratio',
      'signals',
      'rejections',
    ],
    body: rows.map((r) => [
      ...keys.map((k) => String(r.params[k])),
      fmt(r.totals.total_pnl, 8),
      fmt(r.totals.realized_pnl, 8),
      fmt(r.totals.unrealized_pnl, 8),
      fmt(r.totals.fees, 8),
      String(r.totals.trades),
      fmt(r.totals.volume, 8),
      fmt(r.totals.max_drawdown, 8),
      pct(r.totals.win_rate),
      pct(r.totals.limit_fill_ratio),
      `${r.totals.signals_fired}/${r.totals.signals_suppressed}`,
      String(r.totals.rejections),
    ]),
  };
}

const table = (
  head: readonly string[],
  body: readonly (readonly string[])[],
  label: string,
): string =>
  `<table aria-label="${escapeHtml(label)}"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

export function renderReportHtml(input: ReportInput): string {
  const { analysis, totals } = input;
  const symbol = input.config.strategy.symbols[0]!;
  const data = {
    recording: { name: input.recordingName, sha256: input.recordingSha256 },
    totals,
    summary: input.summary,
    signalBuckets: analysis.signalBuckets,
    timeline: analysis.timeline.map((p) => [p.tsUs, p.equity, p.drawdown, p.position, p.mid]),
    fills: input.fills.map((f) => [f.tsUs, f.side === 'Buy' ? 1 : -1, f.price, f.qty]),
    sweep: input.sweep ?? null,
    config: input.config,
  };
  const sweep = input.sweep
    ? `<section><h2>Parameter sweep (${input.sweep.length} runs, best total PnL first)</h2>${table(sweepTable(input.sweep).head, sweepTable(input.sweep).body, 'Sweep')}</section>`
    : '';
  const buckets = table(
    ['Strength', 'Signals', 'Mean PnL per unit (quote)', 'Mean (bps)', 'Hit rate'],
    analysis.signalBuckets.map((b) => [
      b.label,
      String(b.signals),
      fmt(b.meanPnlPerUnit, 4),
      fmt(b.meanBps, 2),
      pct(b.signals > 0 ? b.hitRate : null),
    ]),
    'Signal outcomes by strength',
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Lockstep backtest: ${escapeHtml(input.recordingName)}</title>
<style>
body{font:14px system-ui,sans-serif;background:#0d1117;color:#c9d1d9;margin:24px;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.meta{color:#8b949e;font-size:12px;word-break:break-all}
table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #30363d;padding:3px 8px;text-align:right}
th{background:#161b22}td:first-child,th:first-child{text-align:left}
.chart{height:260px;margin:4px 0 12px;border:1px solid #30363d}
pre{background:#161b22;padding:8px;overflow:auto;font-size:12px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
</style></head><body>
<h1>Backtest: ${escapeHtml(input.recordingName)}</h1>
<p class="meta">recording sha256 ${escapeHtml(input.recordingSha256)} · strategy ${escapeHtml(input.config.strategy.strategy_id)} · ${escapeHtml(input.config.strategy.symbols.join(', '))} · ${input.summary.messages} messages, ${input.summary.book_updates} book updates</p>
<div class="grid"><section><h2>Totals</h2>${table(['', ''], totalsRows(totals), 'Totals')}</section>
<section><h2>Signal outcome over its holding period</h2>${buckets}</section></div>
${sweep}
<section><h2>Equity (realized + unrealized, after fees) and drawdown</h2><div id="equity" class="chart" role="img" aria-label="Equity curve and drawdown"></div></section>
<section><h2>${escapeHtml(symbol)} mid with fills</h2><div id="mid" class="chart" role="img" aria-label="Mid price with fills"></div></section>
<section><h2>${escapeHtml(symbol)} position</h2><div id="position" class="chart" role="img" aria-label="Position over time"></div></section>
<section><h2>Configuration</h2><pre>${escapeHtml(JSON.stringify(input.config, null, 2))}</pre></section>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${chartLibrarySource().replace(/<\/script/gi, '<\\/script')}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

/** Draws the charts from #report-data with the inlined library. */
const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var LC = window.LightweightCharts;
  var options = {
    layout: { background: { type: 'solid', color: '#0d1117' }, textColor: '#c9d1d9' },
    grid: { vertLines: { color: '#21262d' }, horzLines: { color: '#21262d' } },
    timeScale: { timeVisible: true, secondsVisible: true },
    autoSize: true,
  };
  // Seconds, strictly increasing: the library refuses repeated times (the last value wins).
  function series(column) {
    var out = [];
    data.timeline.forEach(function (p) {
      var time = p[0] / 1e6;
      var value = p[column];
      if (value === null || !isFinite(value)) return;
      if (out.length && out[out.length - 1].time >= time) out[out.length - 1].value = value;
      else out.push({ time: time, value: value });
    });
    return out;
  }
  var equity = LC.createChart(document.getElementById('equity'), options);
  equity.addSeries(LC.LineSeries, { color: '#3fb950', title: 'equity' }).setData(series(1));
  equity.addSeries(LC.AreaSeries, { lineColor: '#f85149', topColor: 'rgba(248,81,73,0.1)', bottomColor: 'rgba(248,81,73,0.4)', title: 'drawdown' }, 1).setData(series(2));
  equity.timeScale().fitContent();
  var mid = LC.createChart(document.getElementById('mid'), options);
  var midSeries = mid.addSeries(LC.LineSeries, { color: '#58a6ff', title: 'mid' });
  midSeries.setData(series(4));
  var seen = {};
  var markers = data.fills.map(function (f) {
    return { time: f[0] / 1e6, position: f[1] > 0 ? 'belowBar' : 'aboveBar', shape: f[1] > 0 ? 'arrowUp' : 'arrowDown', color: f[1] > 0 ? '#3fb950' : '#f85149' };
  }).filter(function (m) { var k = m.time + m.shape; if (seen[k]) return false; seen[k] = true; return true; });
  LC.createSeriesMarkers(midSeries, markers);
  mid.timeScale().fitContent();
  var position = LC.createChart(document.getElementById('position'), options);
  position.addSeries(LC.LineSeries, { color: '#d2a8ff', title: 'position', lineType: 1 }).setData(series(3));
  position.timeScale().fitContent();
  document.body.setAttribute('data-charts', 'drawn');
})();
`;
