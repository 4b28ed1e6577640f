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
  value === null
    ? '—'
    : `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${suffix}`;

/** Most points a chart line carries; longer series are downsampled (min and max of each bucket, so peaks stay). */
export const MAX_CHART_POINTS = 2000;

/**
 * Downsample a series to at most `maxPoints` points: the series is cut into `maxPoints / 2` buckets of equal time
 * and each bucket keeps its lowest and its highest point, in time order, so every peak and trough stays visible.
 * Series already short enough are returned as they are.
 */
export function downsampleMinMax(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  maxPoints = MAX_CHART_POINTS,
): { times: number[]; values: number[] } {
  const n = times.length;
  if (n <= maxPoints) return { times: Array.from(times), values: Array.from(values) };
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const first = times[0]!;
  const span = times[n - 1]! - first || 1;
  const outT: number[] = [];
  const outV: number[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < n; b += 1) {
    const end = first + ((b + 1) / buckets) * span;
    let lo = i;
    let hi = i;
    for (; i < n && (times[i]! < end || b === buckets - 1); i += 1) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    for (const k of lo <= hi ? [lo, hi] : [hi, lo]) {
      if (outT.length > 0 && outT[outT.length - 1] === times[k]) continue;
      outT.push(times[k]!);
      outV.push(values[k]!);
    }
  }
  return { times: outT, values: outV };
}

/** Per-bucket statistics of a long series: lowest, highest and mean value, and the share of the bucket paused. */
export interface BucketStats {
  /** Bucket starts, epoch ms. */
  readonly times: number[];
  readonly min: number[];
  readonly max: number[];
  readonly mean: number[];
  /** Share of the bucket's time inside a paused period, percent (only with periods). */
  readonly pausedPercent?: number[];
}

/**
 * Cut `[startMs, endMs)` into `buckets` equal spans and summarise the series in each (spans without data are left
 * out), and, given paused periods, the percentage of each span's time they cover. This is how a long backtest is
 * charted: a five-year, five-minute trace becomes 1,000 spans of about 44 hours whose range, mean and paused share
 * can all be read.
 */
export function bucketStats(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  startMs: number,
  endMs: number,
  buckets: number,
  periods?: readonly { from: string; to: string }[],
): BucketStats {
  const width = (endMs - startMs) / buckets;
  const out = { times: [] as number[], min: [] as number[], max: [] as number[], mean: [] as number[] };
  const paused: number[] = [];
  const spans = (periods ?? []).map((p) => [Date.parse(p.from), Date.parse(p.to)] as const);
  let i = 0;
  let k = 0;
  for (let b = 0; b < buckets; b += 1) {
    const from = startMs + b * width;
    const to = b === buckets - 1 ? endMs : from + width;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let n = 0;
    while (i < times.length && times[i]! < to) {
      if (times[i]! >= from) {
        const v = values[i]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        sum += v;
        n += 1;
      }
      i += 1;
    }
    if (n === 0) continue;
    out.times.push(from);
    out.min.push(lo);
    out.max.push(hi);
    out.mean.push(sum / n);
    if (periods) {
      while (k < spans.length && spans[k]![1] <= from) k += 1;
      let covered = 0;
      for (let j = k; j < spans.length && spans[j]![0] < to; j += 1) {
        covered += Math.min(to, spans[j]![1]) - Math.max(from, spans[j]![0]);
      }
      paused.push(Math.round((covered / (to - from)) * 1000) / 10);
    }
  }
  return periods ? { ...out, pausedPercent: paused } : out;
}

/**
 * How many spans a long chart is cut into: at most half of {@link MAX_CHART_POINTS}, and spans of whole days once a
 * span is longer than a day, so the daily cycle of the grid does not alias into the chart.
 */
export function spanCount(spanMs: number): number {
  const day = 86_400_000;
  const width = spanMs / (MAX_CHART_POINTS / 2);
  return width <= day ? MAX_CHART_POINTS / 2 : Math.ceil(spanMs / (Math.ceil(width / day) * day));
}

/**
 * Paused periods as bands that stay visible at any length: periods closer together than `minWidthMs` are merged and
 * every band is at least `minWidthMs` wide (about one pixel of the chart), so a 30-minute pause in a five-year chart
 * still shows. Input and output `[fromMs, toMs)`, sorted.
 */
export function pauseBands(periods: readonly { from: string; to: string }[], minWidthMs: number): [number, number][] {
  const bands: [number, number][] = [];
  for (const p of periods) {
    const from = Date.parse(p.from);
    const to = Math.max(Date.parse(p.to), from + minWidthMs);
    const last = bands[bands.length - 1];
    if (last && from - last[1] < minWidthMs) last[1] = Math.max(last[1], to);
    else bands.push([from, to]);
  }
  return bands;
}

/** Daily rows summed into weeks or months when there are too many days to read as bars. */
function dailyForChart(
  report: BacktestReport,
): { label: string; x: number; baseline: number; policy: number; oracle: number }[] {
  const rows = report.daily;
  const unit = rows.length > 1500 ? 'month' : rows.length > 400 ? 'week' : 'day';
  const groups = new Map<string, { x: number; baseline: number; policy: number; oracle: number }>();
  for (const row of rows) {
    const ms = Date.parse(`${row.date}T00:00:00Z`);
    const date = new Date(ms);
    const key =
      unit === 'day'
        ? row.date
        : unit === 'month'
          ? row.date.slice(0, 7)
          : new Date(ms - ((date.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const g = groups.get(key) ?? {
      x: Date.parse(key.length === 7 ? `${key}-01T00:00:00Z` : `${key}T00:00:00Z`),
      baseline: 0,
      policy: 0,
      oracle: 0,
    };
    g.baseline += row.baselineGCO2e;
    g.policy += row.policyGCO2e;
    g.oracle += row.oracleGCO2e;
    groups.set(key, g);
  }
  return [...groups.entries()].map(([label, g]) => ({ label, ...g }));
}

/** `/home/me/de-2023.csv` → `de-2023.csv` (a page never shows local paths). */
const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

const readableTime = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
};

function summaryRows(report: BacktestReport): string {
  const jobsLabel = report.scenario === 'pause' ? 'Instance-hours simulated' : 'Jobs simulated';
  const jobsValue = report.scenario === 'pause' ? report.jobHours : report.jobs;
  const rows: [string, string][] = [
    [jobsLabel, fmt(jobsValue, 0)],
    ['Mean grid intensity without the policy (baseline)', `${fmt(report.baselineIntensity)} gCO2e/kWh`],
    ['Mean grid intensity with the policy', `${fmt(report.policyIntensity)} gCO2e/kWh`],
    ['Mean grid intensity with perfect knowledge (oracle)', `${fmt(report.oracleIntensity)} gCO2e/kWh`],
    [
      'Emissions: baseline / policy / oracle',
      `${fmt(report.baselineGCO2e)} / ${fmt(report.policyGCO2e)} / ${fmt(report.oracleGCO2e)} gCO2e`,
    ],
    ['Emissions avoided by the policy', fmt(report.savingsPercent, 2, '%')],
    ['Emissions avoided with perfect knowledge', fmt(report.oracleSavingsPercent, 2, '%')],
    ['Share of the best possible', fmt(report.shareOfOracle === null ? null : report.shareOfOracle * 100, 1, '%')],
  ];
  if (report.scenario === 'pause') {
    rows.push(
      [
        'Hours paused',
        `${fmt(report.hoursPaused, 0)} of ${fmt(report.jobHours, 0)} in ${fmt(report.pauses, 0)} pauses`,
      ],
      ['CO2e avoided', `${fmt(report.gCO2eAvoided)} g`],
      ['Dollars saved', report.usdSaved === null ? 'unknown price' : `$${fmt(report.usdSaved, 2)}`],
    );
  }
  return rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
}

/** The page's own script: builds the charts from the embedded data. Plain ES2017, runs in any current browser. */
const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('backtest-data').textContent);
  var report = data.summary;
  var span = data.spanMs;
  var label = function (ms) {
    var iso = new Date(ms).toISOString();
    return span > 400 * 86400000 ? iso.slice(0, 7) : span > 3 * 86400000 ? iso.slice(0, 10) : iso.slice(5, 16).replace('T', ' ');
  };
  var step = span <= 2 * 86400000 ? 6 * 3600000 : span <= 12 * 86400000 ? 86400000 : undefined;
  var timeAxis = { type: 'linear', ticks: { callback: function (v) { return label(v); }, maxTicksLimit: 12, maxRotation: 0, stepSize: step } };
  var common = { animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { position: 'bottom' },
      tooltip: { callbacks: { title: function (items) { return items.length ? new Date(items[0].parsed.x).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : ''; } } } } };
  var datasets = [];
  var scales = { x: Object.assign({ min: data.fromMs, max: data.toMs }, timeAxis), y: { title: { display: true, text: 'gCO2e/kWh' } } };
  if (data.stats) {
    var s = data.stats;
    var pts = function (arr) { return s.times.map(function (x, i) { return { x: x, y: arr[i] }; }); };
    datasets.push({ label: 'lowest reading', data: pts(s.min), borderColor: 'rgba(120,120,120,0.5)', backgroundColor: 'rgba(120,120,120,0.18)', borderWidth: 0.5, pointRadius: 0, fill: false });
    datasets.push({ label: 'highest reading', data: pts(s.max), borderColor: 'rgba(120,120,120,0.5)', backgroundColor: 'rgba(120,120,120,0.18)', borderWidth: 0.5, pointRadius: 0, fill: '-1' });
    datasets.push({ label: 'mean ' + s.zone + ' (gCO2e/kWh)', data: pts(s.mean), borderColor: '#222', borderWidth: 1.2, pointRadius: 0 });
    if (report.scenario === 'pause') {
      datasets.push({ label: 'threshold', data: [{ x: data.fromMs, y: report.thresholdGCO2ePerKWh }, { x: data.toMs, y: report.thresholdGCO2ePerKWh }], borderColor: '#0072B2', borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0 });
      datasets.push({ label: 'share of time paused (%)', data: pts(s.pausedPercent), yAxisID: 'share', borderColor: 'rgba(213,94,0,0.9)', backgroundColor: 'rgba(213,94,0,0.25)', fill: 'origin', borderWidth: 1, pointRadius: 0 });
      scales.share = { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: 'paused, % of time' } };
    }
  } else if (data.timeline) {
    var t = data.timeline;
    var line = t.times.map(function (x, i) { return { x: x, y: t.values[i] }; });
    var top = Math.max.apply(null, t.values.concat([report.thresholdGCO2ePerKWh || 0])) * 1.05;
    datasets.push({ label: 'carbon intensity ' + t.zone + ' (gCO2e/kWh)', data: line, borderColor: '#444', borderWidth: 1, pointRadius: 0, order: 1 });
    if (data.bands) {
      var band = [];
      data.bands.forEach(function (b) { band.push({ x: b[0], y: null }, { x: b[0], y: top }, { x: b[1], y: top }, { x: b[1], y: null }); });
      datasets.push({ label: 'paused', data: band, borderColor: 'rgba(213,94,0,0.9)', backgroundColor: 'rgba(213,94,0,0.28)', fill: 'origin', borderWidth: 0, pointRadius: 0, spanGaps: false, order: 2 });
      var first = line.length ? line[0].x : 0, last = line.length ? line[line.length - 1].x : 0;
      datasets.push({ label: 'threshold', data: [{ x: first, y: report.thresholdGCO2ePerKWh }, { x: last, y: report.thresholdGCO2ePerKWh }], borderColor: '#0072B2', borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, order: 0 });
    }
  } else {
    var r = data.daily.length > 60 ? 0 : 4;
    datasets.push({ label: 'baseline', data: data.daily.map(function (d) { return { x: d.x, y: d.baselineMean }; }), borderColor: '#999', backgroundColor: '#999', pointRadius: r, borderWidth: 1 });
    datasets.push({ label: 'policy', data: data.daily.map(function (d) { return { x: d.x, y: d.policyMean }; }), borderColor: '#0072B2', backgroundColor: '#0072B2', pointRadius: r, borderWidth: 1 });
    datasets.push({ label: 'oracle', data: data.daily.map(function (d) { return { x: d.x, y: d.oracleMean }; }), borderColor: '#009E73', backgroundColor: '#009E73', pointRadius: r, borderWidth: 1 });
  }
  if (data.starts) {
    datasets.push({ type: 'scatter', label: 'policy start (job mean)', data: data.starts.policy, backgroundColor: '#0072B2', pointRadius: 3 });
    datasets.push({ type: 'scatter', label: 'oracle start (job mean)', data: data.starts.oracle, backgroundColor: '#009E73', pointRadius: 2 });
    datasets.push({ type: 'scatter', label: 'due time (job mean)', data: data.starts.due, backgroundColor: '#999', pointRadius: 2 });
  }
  new Chart(document.getElementById('timeline'), { type: 'line', data: { datasets: datasets },
    options: Object.assign({}, common, { scales: scales }) });
  var series = function (key, name, color) { return { label: name, data: data.daily.map(function (d) { return { x: d.x, y: d[key] }; }), borderColor: color, backgroundColor: color, pointRadius: data.daily.length > 60 ? 0 : 4, borderWidth: 1.5 }; };
  new Chart(document.getElementById('daily'), { type: 'line', data: { datasets: [
      series('baseline', 'baseline', '#999'), series('policy', 'policy', '#0072B2'), series('oracle', 'oracle', '#009E73')] },
    options: Object.assign({}, common, { scales: { x: Object.assign({ min: data.fromMs, max: data.toMs }, timeAxis), y: { beginAtZero: true, title: { display: true, text: 'gCO2e per ' + data.dailyUnit } } } }) });
  if (data.destinations) {
    new Chart(document.getElementById('destinations'), { type: 'bar', data: { labels: data.destinations.zones, datasets: [
        { label: 'policy', data: data.destinations.policy, backgroundColor: '#0072B2' },
        { label: 'perfect knowledge', data: data.destinations.oracle, backgroundColor: '#E69F00' }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: 'y',
        scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'jobs' } } },
        plugins: { legend: { position: 'bottom' } } } });
  }
  document.documentElement.setAttribute('data-charts', 'ready');
})();
`;

/**
 * Render the page.
 * @param chartJs the text of Chart.js's UMD build (node_modules/chart.js/dist/chart.umd.js), inlined as is
 * @param timeline the zone's trace for the timeline chart (`shift`, `pause`); without it the timeline shows daily
 * means (always so for `dispatch`)
 */
export function renderBacktestHtml(report: BacktestReport, chartJs: string, timeline?: Timeline): string {
  const where = report.scenario === 'dispatch' ? `home ${report.home}` : report.zone;
  const title = `Backtest: ${report.scenario === 'pause' ? 'pausing when the grid is dirty' : report.scenario === 'shift' ? 'shifting a daily job' : 'dispatching to the cleanest zone'} (${where})`;
  const fromMs = Date.parse(report.period.from);
  const toMs = Date.parse(report.period.to);
  const spanMs = Math.max(1, toMs - fromMs);
  const long = timeline !== undefined && timeline.times.length > MAX_CHART_POINTS;
  const line = timeline && !long ? downsampleMinMax(timeline.times, timeline.values) : undefined;
  const stats =
    timeline && long
      ? bucketStats(
          timeline.times,
          timeline.values,
          fromMs,
          toMs,
          spanCount(toMs - fromMs),
          report.scenario === 'pause' ? report.pausedPeriods : undefined,
        )
      : undefined;
  const daily = dailyForChart(report);
  const kWhPerHour = report.energy.kWhPerHour;
  const dailyUnit = report.daily.length > 1500 ? 'month' : report.daily.length > 400 ? 'week' : 'day';
  const every = <T>(items: readonly T[], max: number): T[] =>
    items.length <= max ? [...items] : items.filter((_, i) => i % Math.ceil(items.length / max) === 0);
  // The page carries the figures, not the per-job and per-pause lists (a five-year trace has tens of thousands).
  const {
    perJob: _perJob,
    daily: _daily,
    pausedPeriods: _paused,
    ...summary
  } = report as BacktestReport & {
    perJob?: unknown;
    pausedPeriods?: unknown;
  };
  const data = {
    summary: { ...summary, traces: report.traces.map((t) => ({ ...t, file: fileName(t.file) })) },
    spanMs,
    dailyUnit,
    fromMs,
    toMs,
    timeline: line && timeline ? { zone: timeline.zone, times: line.times, values: line.values } : null,
    stats: stats && timeline ? { zone: timeline.zone, ...stats } : null,
    bands: report.scenario === 'pause' && !long ? pauseBands(report.pausedPeriods, spanMs / 1500) : null,
    starts:
      report.scenario === 'shift'
        ? {
            policy: every(report.perJob, 1000).map((j) => ({ x: Date.parse(j.policyStart), y: j.policyIntensity })),
            oracle: every(report.perJob, 1000).map((j) => ({ x: Date.parse(j.oracleStart), y: j.oracleIntensity })),
            due: every(report.perJob, 1000).map((j) => ({ x: Date.parse(j.baselineStart), y: j.baselineIntensity })),
          }
        : null,
    daily: daily.map((d) => ({ x: d.x, baseline: d.baseline, policy: d.policy, oracle: d.oracle })) as {
      x: number;
      baseline: number;
      policy: number;
      oracle: number;
    }[],
    destinations:
      report.scenario === 'dispatch'
        ? {
            zones: report.zones,
            policy: report.zones.map((z) => report.policyZoneCounts[z] ?? 0),
            oracle: report.zones.map((z) => report.oracleZoneCounts[z] ?? 0),
          }
        : null,
  };
  if (report.scenario === 'dispatch') {
    // Daily mean intensity of the job-time, per run: grams ÷ (hours × kWh per hour).
    data.daily = report.daily.map((r) => ({
      x: Date.parse(`${r.date}T00:00:00Z`),
      baseline: r.baselineGCO2e,
      policy: r.policyGCO2e,
      oracle: r.oracleGCO2e,
      baselineMean: r.hours > 0 ? r.baselineGCO2e / (r.hours * kWhPerHour) : null,
      policyMean: r.hours > 0 ? r.policyGCO2e / (r.hours * kWhPerHour) : null,
      oracleMean: r.hours > 0 ? r.oracleGCO2e / (r.hours * kWhPerHour) : null,
    }));
  }
  const timelineTitle =
    report.scenario === 'pause'
      ? 'Carbon intensity and paused periods'
      : report.scenario === 'shift'
        ? 'Carbon intensity and the chosen starts'
        : 'Daily mean intensity of the job-time';
  const spanHours = stats ? spanMs / spanCount(spanMs) / 3_600_000 : 0;
  const timelineNote = stats
    ? `${formatCount(timeline!.times.length)} readings in ${formatCount(stats.times.length)} spans of ${spanHours < 48 ? `${fmt(spanHours, 1)} hours` : `${fmt(spanHours / 24, 1)} days`}: ` +
      'the grey band is the lowest to the highest reading of each span, the line its mean' +
      (report.scenario === 'pause' ? '; orange is the share of each span the instance was paused (right axis).' : '.')
    : report.scenario === 'pause'
      ? 'Orange bands: the instance was paused; the dashed line is the threshold.'
      : '';
  return `<!doctype html>
<html lang="en" data-charts="pending">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { text-align: left; padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; padding: 1rem; overflow-x: auto; font-size: 0.85rem; white-space: pre-wrap; }
.chart { position: relative; margin: 1rem 0 1.5rem; height: 340px; }
.note { color: #555; font-size: 0.9rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } .chart { height: 230px; } h2 { break-after: avoid; } .chart, table { break-inside: avoid; } }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(readableTime(report.period.from))} to ${escapeHtml(readableTime(report.period.to))}; carbon data: ${escapeHtml(report.traces.map((t) => fileName(t.file)).join(', '))}; forecast: ${escapeHtml(report.forecast)}.
Made by <code>carbon-scheduler backtest</code> with the product's own decision code; no instance was touched.</p>
<table>
${summaryRows(report)}
</table>
<h2>${escapeHtml(timelineTitle)}</h2>
${timelineNote ? `<p class="note">${escapeHtml(timelineNote)}</p>` : ''}
<div class="chart"><canvas id="timeline"></canvas></div>
<h2>Emissions per ${dailyUnit}: baseline, policy, oracle</h2>
<div class="chart"><canvas id="daily"></canvas></div>
${report.scenario === 'dispatch' ? '<h2>Where the jobs went</h2>\n<div class="chart"><canvas id="destinations"></canvas></div>' : ''}
<h2>Summary</h2>
<pre>${escapeHtml(formatBacktestSummary(report))}</pre>
<script type="application/json" id="backtest-data">${scriptJson(data)}</script>
<script>${inlineScript(chartJs)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');
