import type { BacktestReport } from './report';
import { formatBacktestSummary } from './summary-text';

/**
 * `carbon-scheduler backtest --html FILE`: one self-contained HTML page (no network: Chart.js is inlined) with the
 * savings summary, the carbon intensity over time with the paused periods (`pause`) or the chosen starts (`shift`),
 * the daily mean intensity of baseline, policy and oracle (`dispatch`), and the daily emissions of all three.
 * The report is embedded as JSON in `<script type="application/json" id="backtest-data">` so the page's data can
 * be read back by tools.
 */

/** The intensity series shown on the timeline (`shift`, `pause`): one zone's actual trace. */
export interface Timeline {
  readonly zone: string;
  /** Interval starts, epoch ms. */
  readonly times: ArrayLike<number>;
  /** gCO2e/kWh. */
  readonly values: ArrayLike<number>;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe inside a `<script>` element (no `</script>`, no `<!--`). */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Library code safe inside a `<script>` element; its source-map comment is dropped (the map is not shipped). */
const inlineScript = (code: string): string =>
  code.replace(/\/\/# sourceMappingURL=\S+\s*$/, '').replace(/<\/script/gi, '<\\/script');

const fmt = (value: number | null, digits = 1, suffix = ''): string =>
  value === null ? '—' : `${value.toFixed(digits)}${suffix}`;

function summaryRows(report: BacktestReport): string {
  const rows: [string, string][] = [
    ['Jobs', String(report.jobs)],
    ['Baseline mean intensity', `${fmt(report.baselineIntensity)} gCO2e/kWh`],
    ['Policy mean intensity', `${fmt(report.policyIntensity)} gCO2e/kWh`],
    ['Oracle mean intensity', `${fmt(report.oracleIntensity)} gCO2e/kWh`],
    [
      'Baseline / policy / oracle emissions',
      `${fmt(report.baselineGCO2e)} / ${fmt(report.policyGCO2e)} / ${fmt(report.oracleGCO2e)} gCO2e`,
    ],
    ['Policy savings', fmt(report.savingsPercent, 2, '%')],
    ['Oracle savings', fmt(report.oracleSavingsPercent, 2, '%')],
    [
      "Policy's share of the oracle's savings",
      fmt(report.shareOfOracle === null ? null : report.shareOfOracle * 100, 1, '%'),
    ],
  ];
  if (report.scenario === 'pause') {
    rows.push(
      ['Hours paused', `${report.hoursPaused} of ${report.jobHours}`],
      ['CO2e avoided', `${fmt(report.gCO2eAvoided)} g`],
      ['USD saved', report.usdSaved === null ? 'unknown price' : `$${report.usdSaved.toFixed(2)}`],
    );
  }
  return rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
}

/** The page's own script: builds the charts from the embedded data. Plain ES2017, runs in any current browser. */
const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('backtest-data').textContent);
  var report = data.report;
  var day = function (ms) { return new Date(ms).toISOString().slice(0, 10); };
  var timeAxis = { type: 'linear', ticks: { callback: function (v) { return day(v); }, maxTicksLimit: 12 } };
  var common = { animation: false, parsing: false, normalized: true, responsive: true,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { decimation: { enabled: true, algorithm: 'lttb', samples: 2000 },
      tooltip: { callbacks: { title: function (items) { return items.length ? new Date(items[0].parsed.x).toISOString().slice(0, 16) + 'Z' : ''; } } } } };
  var datasets = [];
  if (data.timeline) {
    var t = data.timeline;
    var line = t.times.map(function (x, i) { return { x: x, y: t.values[i] }; });
    datasets.push({ label: 'carbon intensity ' + t.zone + ' (gCO2e/kWh)', data: line, borderColor: '#555', borderWidth: 1, pointRadius: 0 });
    if (report.scenario === 'pause') {
      var periods = report.pausedPeriods.map(function (p) { return [Date.parse(p.from), Date.parse(p.to)]; });
      var k = 0;
      var paused = line.map(function (p) {
        while (k < periods.length && periods[k][1] <= p.x) k++;
        var inside = k < periods.length && periods[k][0] <= p.x;
        return { x: p.x, y: inside ? p.y : null };
      });
      datasets.push({ label: 'paused', data: paused, borderColor: 'rgba(200,40,40,0.9)', backgroundColor: 'rgba(200,40,40,0.25)', fill: 'origin', borderWidth: 1, pointRadius: 0, spanGaps: false });
      var first = line.length ? line[0].x : 0, last = line.length ? line[line.length - 1].x : 0;
      datasets.push({ label: 'threshold', data: [{ x: first, y: report.thresholdGCO2ePerKWh }, { x: last, y: report.thresholdGCO2ePerKWh }], borderColor: '#d08000', borderDash: [6, 4], borderWidth: 1, pointRadius: 0 });
    }
    if (report.scenario === 'shift') {
      datasets.push({ type: 'scatter', label: 'policy start (job mean)', data: report.perJob.map(function (j) { return { x: Date.parse(j.policyStart), y: j.policyIntensity }; }), backgroundColor: '#1f77b4', pointRadius: 3 });
      datasets.push({ type: 'scatter', label: 'oracle start (job mean)', data: report.perJob.map(function (j) { return { x: Date.parse(j.oracleStart), y: j.oracleIntensity }; }), backgroundColor: '#2ca02c', pointRadius: 2 });
      datasets.push({ type: 'scatter', label: 'due time (job mean)', data: report.perJob.map(function (j) { return { x: Date.parse(j.baselineStart), y: j.baselineIntensity }; }), backgroundColor: '#999', pointRadius: 2 });
    }
  } else {
    var kwh = report.energy.kWhPerHour;
    var mean = function (key) { return report.daily.map(function (d) { return { x: Date.parse(d.date + 'T00:00:00Z'), y: d.hours > 0 ? d[key] / (d.hours * kwh) : null }; }); };
    datasets.push({ label: 'baseline (daily mean gCO2e/kWh)', data: mean('baselineGCO2e'), borderColor: '#999', pointRadius: 0, borderWidth: 1 });
    datasets.push({ label: 'policy', data: mean('policyGCO2e'), borderColor: '#1f77b4', pointRadius: 0, borderWidth: 1 });
    datasets.push({ label: 'oracle', data: mean('oracleGCO2e'), borderColor: '#2ca02c', pointRadius: 0, borderWidth: 1 });
  }
  new Chart(document.getElementById('timeline'), { type: 'line', data: { datasets: datasets },
    options: Object.assign({}, common, { scales: { x: timeAxis, y: { title: { display: true, text: 'gCO2e/kWh' } } } }) });
  var bars = function (key, label, color) { return { label: label, data: report.daily.map(function (d) { return { x: Date.parse(d.date + 'T00:00:00Z'), y: d[key] }; }), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1 }; };
  new Chart(document.getElementById('daily'), { type: 'line', data: { datasets: [
      bars('baselineGCO2e', 'baseline', '#999'), bars('policyGCO2e', 'policy', '#1f77b4'), bars('oracleGCO2e', 'oracle', '#2ca02c')] },
    options: Object.assign({}, common, { scales: { x: timeAxis, y: { title: { display: true, text: 'gCO2e per day' } } } }) });
})();
`;

/**
 * Render the page.
 * @param chartJs the text of Chart.js's UMD build (node_modules/chart.js/dist/chart.umd.js), inlined as is
 * @param timeline the zone's trace for the timeline chart (`shift`, `pause`); without it the timeline shows daily
 * means (always so for `dispatch`)
 */
export function renderBacktestHtml(report: BacktestReport, chartJs: string, timeline?: Timeline): string {
  const title = `Backtest ${report.scenario} — ${report.scenario === 'dispatch' ? `home ${report.home}` : report.zone}, forecast ${report.forecast}`;
  const data = {
    report,
    timeline: timeline
      ? { zone: timeline.zone, times: Array.from(timeline.times), values: Array.from(timeline.values) }
      : null,
  };
  const timelineTitle =
    report.scenario === 'pause'
      ? 'Carbon intensity and paused periods'
      : report.scenario === 'shift'
        ? 'Carbon intensity and the chosen starts'
        : 'Daily mean intensity of the job-time';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; font-size: 0.85rem; }
.chart { position: relative; margin: 1.5rem 0; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Generated by <code>carbon-scheduler backtest</code>. Period ${escapeHtml(report.period.from)} → ${escapeHtml(report.period.to)},
traces: ${escapeHtml(report.traces.map((t) => t.file).join(', '))}.</p>
<table>
${summaryRows(report)}
</table>
<h2>${escapeHtml(timelineTitle)}</h2>
<div class="chart"><canvas id="timeline" height="110"></canvas></div>
<h2>Daily emissions: baseline, policy, oracle</h2>
<div class="chart"><canvas id="daily" height="90"></canvas></div>
<h2>Summary</h2>
<pre>${escapeHtml(formatBacktestSummary(report))}</pre>
<script type="application/json" id="backtest-data">${scriptJson(data)}</script>
<script>${inlineScript(chartJs)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
