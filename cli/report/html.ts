import type { ReportModel } from '../../lambdas/core/report/model';
import { reportChartData } from './chart-data';
import { REPORT_CHART_SCRIPT } from './chart-script';
import { formatCount, formatGrams, formatIntensity, formatNumber, formatUsd } from './format';
import { escapeHtml as e, jsonForScript, scriptSource } from './html-escape';

/** Options of {@link renderReportHtml}. */
export interface RenderHtmlOptions {
  /**
   * The Chart.js UMD bundle (`chart.js/dist/chart.umd.js`), inlined so the page needs no network. Without it the
   * page still shows every number and table, and says that the charts could not be drawn.
   */
  readonly chartJsSource?: string;
}

const STYLE = `
:root { --ink: #1d2327; --muted: #58606a; --line: #d5dbe1; --bg: #ffffff; --panel: #f5f7f9; --accent: #0b6e4f;
  --warn-bg: #fff7e0; --warn-line: #e0b400; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  background: var(--bg); line-height: 1.45; }
body { margin: 0; }
.page { max-width: 1120px; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
header.report-header { border-bottom: 3px solid var(--accent); padding-bottom: 1rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.75rem; margin: 0 0 .35rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.meta { color: var(--muted); margin: .15rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: .85rem; margin: 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 6px;
  padding: .8rem 1rem; }
.card dt { font-size: .85rem; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.card dd { margin: .25rem 0 0; font-size: 1.65rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .sub { display: block; font-size: .85rem; font-weight: 400; color: var(--muted); margin-top: .15rem; }
.facts { display: flex; flex-wrap: wrap; gap: .35rem 1.5rem; margin: .9rem 0 0; padding: 0; list-style: none; color: var(--muted); }
.facts strong { color: var(--ink); font-variant-numeric: tabular-nums; }
.warnings { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 6px; padding: .6rem 1rem; margin-top: 1.25rem; }
.warnings ul { margin: .35rem 0 0; padding-left: 1.2rem; }
.charts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
figure { min-width: 0; margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
figcaption .note { display: block; font-weight: 400; color: var(--muted); font-size: .85rem; }
.chart-box { position: relative; height: 280px; width: 100%; }
figure.wide .chart-box { height: 320px; }
.empty { color: var(--muted); font-style: italic; margin: 1rem 0; }
#chart-error { color: #a00; font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .86rem; margin: .25rem 0 .75rem; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding: .25rem 0; caption-side: bottom; }
th, td { padding: .4rem .45rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--panel); font-size: .74rem; text-transform: uppercase; letter-spacing: .02em; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
td:first-child { white-space: nowrap; }
tfoot td { font-weight: 700; border-top: 2px solid var(--line); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; white-space: nowrap; }
table.compact { width: auto; min-width: 50%; }
.when { color: var(--muted); white-space: nowrap; font-size: .85em; }
details summary { cursor: pointer; color: var(--accent); font-weight: 600; margin: .5rem 0; }
.summary { font-size: 1.05rem; max-width: 75ch; }
.summary p { margin: .35rem 0; }
.change { display: block; font-size: .85rem; font-weight: 600; margin-top: .2rem; }
.change.up { color: var(--accent); }
.change.down { color: #a15c00; }
.boundary { border: 1px solid var(--line); border-left: 5px solid #56B4E9; border-radius: 6px; padding: .6rem 1rem;
  margin-top: 1.25rem; background: #f3f9fd; }
.boundary p { margin: .3rem 0 0; }
.clip { display: inline-block; max-width: 22ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  vertical-align: bottom; }
dl.formulas dt { font-weight: 700; margin-top: .75rem; }
dl.formulas dd { margin: .2rem 0 0; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding-top: .75rem; }
a { color: var(--accent); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
@media (max-width: 760px) { .charts { grid-template-columns: minmax(0, 1fr); } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .card dd { font-size: 1.3rem; }
  .chart-box, figure.wide .chart-box { height: 210px; }
  table { table-layout: fixed; width: 100%; }
  table.compact { width: 100%; }
  td, th { overflow: hidden; text-overflow: ellipsis; overflow-wrap: anywhere; }
  thead th { white-space: normal; text-overflow: clip; overflow-wrap: normal; word-break: normal; }
  td:first-child { white-space: normal; }
  code { white-space: normal; overflow-wrap: anywhere; }
  .clip { max-width: 100%; }
  h2 { break-after: avoid; }
  figure, .card, tr { break-inside: avoid; }
  .charts { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  details { display: block; }
  details > summary { display: none; }
  .skip { display: none; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  table { font-size: 7.5pt; }
  th, td { padding: 2pt 3pt; }
  thead th { font-size: 6.5pt; letter-spacing: 0; }
  td.num { white-space: normal; }
}
`;

/** `2026-11-25T08:05:00.000Z` → `2026-11-25 08:05 UTC` (unparseable text is shown as it is). */
function shortTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

/** `1 job`, `3 jobs`. */
function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function num(value: number, digits = 2): string {
  return formatNumber(value, digits);
}

function table(
  headers: readonly { label: string; numeric?: boolean }[],
  rows: readonly (readonly string[])[],
  options: { caption?: string; footer?: readonly string[]; id?: string; compact?: boolean } = {},
): string {
  const head = headers.map((h) => `<th scope="col"${h.numeric ? ' class="num"' : ''}>${e(h.label)}</th>`).join('');
  const cell = (value: string, index: number) => `<td${headers[index]?.numeric ? ' class="num"' : ''}>${value}</td>`;
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  const foot = options.footer ? `<tfoot><tr>${options.footer.map(cell).join('')}</tr></tfoot>` : '';
  return (
    `<div class="table-wrap"><table${options.id ? ` id="${e(options.id)}"` : ''}${options.compact ? ' class="compact"' : ''}>` +
    (options.caption ? `<caption>${e(options.caption)}</caption>` : '') +
    `<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody>${foot}</table></div>`
  );
}

/** A value from outside (tag, name) in a cell: escaped, cut with an ellipsis past 22 characters, whole in `title`. */
function clip(text: string): string {
  return `<span class="clip" title="${e(text)}">${e(text)}</span>`;
}

/** ` +12.5% vs 2026-10-02 to 2026-10-31` as a card line, or `` without a comparison. */
function changeLine(percent: number | null | undefined, model: ReportModel): string {
  const c = model.comparison;
  if (!c || percent === undefined) return '';
  if (percent === null) return `<span class="change">previous period: none</span>`;
  const sign = percent >= 0 ? '+' : '−';
  return `<span class="change ${percent >= 0 ? 'up' : 'down'}">${sign}${num(Math.abs(percent), 1)}% vs the previous ${formatCount(c.period.days)} days</span>`;
}

function summarySection(model: ReportModel): string {
  return `<section class="summary" aria-labelledby="h-summary">
<h2 id="h-summary">Summary</h2>
<div id="narrative">${model.narrative.map((p) => `<p>${e(p)}</p>`).join('\n')}</div>
</section>`;
}

function boundarySection(model: ReportModel): string {
  return `<section class="boundary" role="note" aria-labelledby="h-boundary"><strong id="h-boundary">What these numbers cover</strong>
<p id="boundary">${e(model.methodology.boundary)}</p></section>`;
}

function headline(model: ReportModel): string {
  const t = model.totals;
  const card = (id: string, label: string, value: number, text: string, sub: string) =>
    `<div class="card"><dt>${e(label)}</dt><dd id="${id}" data-value="${value}">${e(text)}` +
    `<span class="sub">${e(sub)}</span></dd></div>`;
  const combined = t.gCO2eAvoidedBySchedules + t.gCO2eSavedByDispatch;
  const c = model.comparison;
  const moneyCard = card(
    'total-usd',
    'Money saved',
    t.usdSaved,
    formatUsd(t.usdSaved),
    `${num(t.stoppedInstanceHours, 1)} instance-hours kept stopped`,
  ).replace('</dd>', `${changeLine(c?.usdChangePercent, model)}</dd>`);
  const combinedCard = card(
    'total-gco2e-combined',
    'CO₂e avoided in total',
    combined,
    formatGrams(combined),
    'by schedules and dispatch; CPU energy only, a lower bound',
  ).replace('</dd>', `${changeLine(c?.gCO2eChangePercent, model)}</dd>`);
  if (model.source.kind === 'backtest') {
    const b = model.backtest!;
    const cards = [
      combinedCard,
      ...(b.scenario === 'pause' ? [moneyCard] : []),
      ...(b.savingsPercent !== undefined
        ? [
            card(
              'backtest-savings',
              'Of the baseline’s emissions',
              b.savingsPercent,
              `${num(b.savingsPercent, 1)}%`,
              'avoided by the policy',
            ),
          ]
        : []),
      ...(b.shareOfOracle !== undefined
        ? [
            card(
              'backtest-share',
              'Share of the best possible',
              b.shareOfOracle,
              `${num(b.shareOfOracle * 100, 1)}%`,
              'of what perfect knowledge would save',
            ),
          ]
        : []),
    ];
    return `<section aria-labelledby="h-headline">
<h2 id="h-headline">Headline numbers</h2>
<dl class="cards">
${cards.join('\n')}
</dl>
</section>`;
  }
  return `<section aria-labelledby="h-headline">
<h2 id="h-headline">Headline numbers</h2>
<dl class="cards">
${moneyCard}
${combinedCard}
${card('total-gco2e-schedules', 'CO₂e avoided by schedules', t.gCO2eAvoidedBySchedules, formatGrams(t.gCO2eAvoidedBySchedules), `${num(t.kWhAvoided, 2)} kWh not drawn from the grid`)}
${card('total-gco2e-dispatch', 'CO₂e saved by dispatch', t.gCO2eSavedByDispatch, formatGrams(t.gCO2eSavedByDispatch), `${plural(t.dispatchedJobs, 'job')} dispatched; estimate against running at home`)}
${card('total-rightsizing', 'Rightsizing still open', t.rightsizingOpenMonthlyUsd, `${formatUsd(t.rightsizingOpenMonthlyUsd)}/month`, `${plural(t.rightsizingOpenCount, 'recommendation')}, ${formatGrams(t.rightsizingOpenMonthlyGCO2e)}/month`)}
</dl>
<ul class="facts">
<li>Starts: <strong id="total-starts">${formatCount(t.starts)}</strong></li>
<li>Stops: <strong id="total-stops">${formatCount(t.stops)}</strong></li>
<li>Failed actions: <strong id="total-failed">${formatCount(t.failedActions)}</strong></li>
<li>Regions: <strong>${formatCount(model.regions.length)}</strong></li>
${c ? `<li>Previous period: <strong id="previous-period">${e(c.period.from)} to ${e(c.period.to)}</strong>, ${e(formatUsd(c.usdSaved))} and ${e(formatGrams(c.gCO2eAvoided))}</li>` : ''}
</ul>
</section>`;
}

function warnings(model: ReportModel): string {
  if (model.warnings.length === 0) return '';
  const title = model.source.kind === 'backtest' ? 'Notes on the simulation' : 'Gaps in the data';
  return `<section class="warnings" role="note" aria-labelledby="h-warnings"><strong id="h-warnings">${title}</strong>
<ul>${model.warnings.map((w) => `<li>${e(w)}</li>`).join('\n')}</ul></section>`;
}

function charts(model: ReportModel): string {
  const data = reportChartData(model);
  const regionsText = model.regions.map(e).join(', ');
  const minutes = model.intensitySeries.bucketMinutes;
  const bucket = minutes === 60 ? 'hour' : minutes === 1440 ? 'day' : `${minutes / 60} hours`;
  const intensity = data.intensity
    ? `<div class="chart-box"><canvas id="chart-intensity" role="img" aria-label="Line chart of grid carbon intensity per region over time, gCO2e per kWh">` +
      `Carbon intensity per region; see the per-region table for the numbers.</canvas></div>`
    : `<p class="empty" id="chart-intensity-empty">${
        model.source.kind === 'backtest'
          ? 'A backtest result carries no intensity series; its own page (backtest --html) charts the trace.'
          : 'No stored carbon readings in the period.'
      }</p>`;
  const dailyRows = model.days.map((d) => [
    e(d.day),
    formatCount(d.starts),
    formatCount(d.stops),
    e(formatUsd(d.usdSaved)),
    e(formatUsd(d.cumulativeUsdSaved)),
    e(formatGrams(d.gCO2eAvoidedBySchedules)),
    e(formatGrams(d.cumulativeGCO2eAvoided)),
    e(formatGrams(d.gCO2eSavedByDispatch)),
    formatCount(d.dispatchedJobs),
  ]);
  const backtest = model.source.kind === 'backtest';
  const destinations = data.destinations
    ? `<figure class="wide"><figcaption>Dispatched jobs by destination<span class="note">${
        backtest
          ? 'Jobs the policy sent to each zone, and where perfect knowledge would have sent them.'
          : 'Jobs handed to a worker in each region in the period.'
      }</span></figcaption>
<div class="chart-box"><canvas id="chart-destinations" role="img" aria-label="Bar chart of dispatched jobs per destination">Jobs per destination; see the dispatch table.</canvas></div></figure>`
    : '';
  const savingsFigure = `<figure${backtest ? ' class="wide"' : ''}><figcaption>Savings per day, cumulative<span class="note">USD saved each day (bars), running totals of USD and of kg CO₂e avoided by schedules and saved by dispatch (lines).</span></figcaption>
<div class="chart-box"><canvas id="chart-savings" role="img" aria-label="Chart of dollars saved per day and cumulative dollars and kilograms CO2e avoided">Savings per day; see the daily table.</canvas></div></figure>`;
  const figures = backtest
    ? `${savingsFigure}\n${destinations}`
    : `<figure class="wide"><figcaption>Carbon intensity by region over time<span class="note">Mean of stored readings per ${bucket}, gCO₂e/kWh, UTC. Regions: ${regionsText}.</span></figcaption>
${intensity}</figure>
<figure><figcaption>Starts and stops per day<span class="note">Successful scheduler actions, all regions.</span></figcaption>
<div class="chart-box"><canvas id="chart-actions" role="img" aria-label="Bar chart of instance starts and stops per day">Starts and stops per day; see the daily table.</canvas></div></figure>
${savingsFigure}
${destinations}`;
  return `<section aria-labelledby="h-charts">
<h2 id="h-charts">Charts</h2>
<p id="chart-error" role="alert" hidden></p>
<div class="charts">
${figures}
</div>
<details><summary>Daily numbers (the data behind the charts)</summary>
${table(
  [
    { label: 'Day (UTC)' },
    { label: 'Starts', numeric: true },
    { label: 'Stops', numeric: true },
    { label: 'USD saved', numeric: true },
    { label: 'USD cumulative', numeric: true },
    { label: 'CO₂e avoided', numeric: true },
    { label: 'CO₂e cumulative', numeric: true },
    { label: 'CO₂e saved by dispatch', numeric: true },
    { label: 'Jobs dispatched', numeric: true },
  ],
  dailyRows,
  { id: 'daily-table' },
)}
</details>
</section>`;
}

function regionTable(model: ReportModel): string {
  const intensityRows = model.regionSummaries.map((r) => [
    `<code>${e(r.region)}</code>`,
    r.intensity ? num(r.intensity.meanGCO2ePerKWh, 1) : '—',
    r.intensity ? num(r.intensity.minGCO2ePerKWh, 1) : '—',
    r.intensity ? num(r.intensity.maxGCO2ePerKWh, 1) : '—',
    formatCount(r.intensity?.readings ?? 0),
    r.providers.length > 0 ? r.providers.map(e).join(', ') : '—',
  ]);
  const savingsRows = model.regionSummaries.map((r) => [
    `<code>${e(r.region)}</code>`,
    num(r.stoppedInstanceHours, 1),
    e(formatUsd(r.usdSaved)),
    e(formatGrams(r.gCO2eAvoidedBySchedules)),
    formatCount(r.starts),
    formatCount(r.stops),
    formatCount(r.resizes),
    formatCount(r.failedActions),
    formatCount(r.dispatchedJobs),
    e(formatGrams(r.gCO2eSavedByDispatch)),
    e(formatUsd(r.rightsizingOpenMonthlyUsd)),
  ]);
  const t = model.totals;
  const resizes = model.regionSummaries.reduce((sum, r) => sum + r.resizes, 0);
  return `<section aria-labelledby="h-regions">
<h2 id="h-regions">Per region</h2>
<h3>Carbon intensity</h3>
${table(
  [
    { label: 'Region' },
    { label: 'Mean gCO₂e/kWh', numeric: true },
    { label: 'Min', numeric: true },
    { label: 'Max', numeric: true },
    { label: 'Readings', numeric: true },
    { label: 'Providers' },
  ],
  intensityRows,
  {
    id: 'intensity-table',
    compact: true,
    caption: 'Stored readings of the period (forecasts excluded); each reading counts once in the mean.',
  },
)}
<h3>Savings and actions</h3>
${table(
  [
    { label: 'Region' },
    { label: 'Stopped h', numeric: true },
    { label: 'USD saved', numeric: true },
    { label: 'CO₂e avoided', numeric: true },
    { label: 'Starts', numeric: true },
    { label: 'Stops', numeric: true },
    { label: 'Resizes', numeric: true },
    { label: 'Failed', numeric: true },
    { label: 'Jobs in', numeric: true },
    { label: 'CO₂e by dispatch', numeric: true },
    { label: 'Rightsizing /mo', numeric: true },
  ],
  savingsRows,
  {
    id: 'region-table',
    caption:
      'Jobs in = jobs dispatched to the region; their CO₂e saved against running at home is counted in the region they were sent to. Rightsizing: open recommendations now.',
    footer: [
      'All',
      num(t.stoppedInstanceHours, 1),
      e(formatUsd(t.usdSaved)),
      e(formatGrams(t.gCO2eAvoidedBySchedules)),
      formatCount(t.starts),
      formatCount(t.stops),
      formatCount(resizes),
      formatCount(t.failedActions),
      formatCount(t.dispatchedJobs),
      e(formatGrams(t.gCO2eSavedByDispatch)),
      e(formatUsd(t.rightsizingOpenMonthlyUsd)),
    ],
  },
)}
</section>`;
}

function actionsSection(model: ReportModel): string {
  const rows = model.actionsByType.map((a) => [e(a.action), formatCount(a.ok), formatCount(a.failed)]);
  const top = model.topInstances.map((i) => [
    `<code>${e(i.instanceId)}</code>`,
    `<code>${e(i.region)}</code>`,
    clip(i.schedule),
    e(i.instanceType),
    e(formatUsd(i.savedUsd)),
    e(formatGrams(i.savedGCO2e)),
    num(i.stoppedHours, 1),
    formatCount(i.actionsInPeriod),
    i.lastAction
      ? `${e(i.lastAction)}${i.lastActionAt ? ` <span class="when">${e(shortTime(i.lastActionAt))}</span>` : ''}`
      : '—',
  ]);
  return `<section aria-labelledby="h-actions">
<h2 id="h-actions">Actions</h2>
<h3>Actions by type</h3>
${table([{ label: 'Action' }, { label: 'Succeeded', numeric: true }, { label: 'Failed', numeric: true }], rows, {
  id: 'actions-table',
  compact: true,
  caption: 'Scheduler actions in the period (history entries). Hibernations count as stops in the charts.',
})}
<h3>Top instances by savings</h3>
${
  top.length === 0
    ? '<p class="empty">No instance has recorded savings or actions.</p>'
    : table(
        [
          { label: 'Instance' },
          { label: 'Region' },
          { label: 'Schedule' },
          { label: 'Type' },
          { label: 'USD saved', numeric: true },
          { label: 'CO₂e avoided', numeric: true },
          { label: 'Stopped h', numeric: true },
          { label: 'Actions', numeric: true },
          { label: 'Last action' },
        ],
        top,
        {
          id: 'top-instances-table',
          caption:
            'Savings per instance are cumulative since the scheduler first saw it (closed stop stretches), not limited to the period; actions are those in the period.',
        },
      )
}
</section>`;
}

function dispatchSection(model: ReportModel): string {
  const fromBacktest = model.backtest?.destinations;
  if (model.source.kind === 'backtest') {
    if (!fromBacktest || fromBacktest.length === 0) return '';
    return `<section aria-labelledby="h-dispatch">
<h2 id="h-dispatch">Where the jobs went</h2>
${table(
  [{ label: 'Zone' }, { label: 'Jobs (policy)', numeric: true }, { label: 'Jobs (perfect knowledge)', numeric: true }],
  fromBacktest.map((d) => [`<code>${e(d.zone)}</code>`, formatCount(d.policyJobs), formatCount(d.oracleJobs)]),
  { id: 'dispatch-table', compact: true },
)}
</section>`;
  }
  const rows = model.dispatchByRegion.map((d) => [
    `<code>${e(d.region)}</code>`,
    formatCount(d.jobs),
    e(formatGrams(d.gCO2eSaved)),
  ]);
  const n = model.dispatchNotDispatched;
  return `<section aria-labelledby="h-dispatch">
<h2 id="h-dispatch">Dispatched jobs</h2>
${
  rows.length === 0
    ? '<p class="empty">No job was dispatched in the period.</p>'
    : table(
        [{ label: 'Region' }, { label: 'Jobs', numeric: true }, { label: 'CO₂e saved vs home', numeric: true }],
        rows,
        {
          id: 'dispatch-table',
          compact: true,
        },
      )
}
<p class="meta">Not dispatched in the period: ${formatCount(n.deferred)} deferred (waiting for a cleaner slot), ${formatCount(n.failed)} failed (no worker accepted), ${plural(n.planned, 'dry run')}.</p>
</section>`;
}

function rightsizingSection(model: ReportModel): string {
  const rows = model.rightsizing.map((r) => [
    `<code>${e(r.instanceId)}</code>`,
    `<code>${e(r.region)}</code>`,
    e(r.currentInstanceType),
    r.proposedInstanceType ? e(r.proposedInstanceType) : '—',
    e(r.status),
    e(formatUsd(r.monthlySavingsUsd)),
    e(formatGrams(r.monthlySavingsGCO2e)),
  ]);
  return `<section aria-labelledby="h-rightsizing">
<h2 id="h-rightsizing">Rightsizing still open</h2>
${
  rows.length === 0
    ? '<p class="empty">No open rightsizing recommendation.</p>'
    : table(
        [
          { label: 'Instance' },
          { label: 'Region' },
          { label: 'Current' },
          { label: 'Proposed' },
          { label: 'Status' },
          { label: 'USD/month', numeric: true },
          { label: 'CO₂e/month', numeric: true },
        ],
        rows,
        { id: 'rightsizing-table', caption: 'Recommendations as they are now (status open or pending-apply).' },
      )
}
</section>`;
}

function backtestSection(model: ReportModel): string {
  const b = model.backtest;
  if (!b) return '';
  const pct = (v: number | undefined) => (v === undefined ? '—' : `${num(v, 1)}%`);
  const g = (v: number | undefined) => (v === undefined ? '—' : e(formatIntensity(v)));
  const rows: string[][] = [
    ['Mean grid intensity without the policy (baseline)', g(b.baselineIntensity)],
    ['Mean grid intensity with the policy', g(b.policyIntensity)],
    ['Mean grid intensity with perfect knowledge', g(b.oracleIntensity)],
    ['Emissions avoided by the policy', pct(b.savingsPercent)],
    ['Emissions avoided with perfect knowledge', pct(b.oracleSavingsPercent)],
    ['Share of the best possible', b.shareOfOracle === undefined ? '—' : pct(b.shareOfOracle * 100)],
    // File names come from outside and may be long; the other values are the product's own text.
    ...b.parameters.map((p) => [e(p.name), p.name === 'Carbon data files' ? clip(p.value) : e(p.value)]),
  ];
  return `<section aria-labelledby="h-backtest">
<h2 id="h-backtest">The simulation</h2>
${table([{ label: 'Measure' }, { label: 'Value' }], rows, { id: 'backtest-table', compact: true })}
</section>`;
}

function methodologySection(model: ReportModel): string {
  const m = model.methodology;
  return `<section aria-labelledby="h-method">
<h2 id="h-method">Methodology and data sources</h2>
<h3>Boundary</h3>
<p>${e(m.boundary)}</p>
<h3>Formulas</h3>
<dl class="formulas">
${m.formulas.map((f) => `<dt>${e(f.name)}</dt><dd>${e(f.text)}</dd>`).join('\n')}
</dl>
<h3>Data sources</h3>
<ul>${m.dataSources.map((s) => `<li>${e(s)}</li>`).join('\n')}</ul>
<h3>Notes</h3>
<ul>${m.notes.map((s) => `<li>${e(s)}</li>`).join('\n')}</ul>
</section>`;
}

/**
 * The report as ONE self-contained HTML page: inline CSS, the Chart.js bundle and the chart data inline, no network
 * access (a Content-Security-Policy of `default-src 'none'` forbids any request), no external fonts. Every number and
 * table is rendered as HTML so the page reads (and prints) without scripts; the charts are drawn by the inline
 * script. Every string from the data is escaped ({@link escapeHtml}, {@link jsonForScript}).
 */
export function renderReportHtml(model: ReportModel, options: RenderHtmlOptions = {}): string {
  const chartData = reportChartData(model);
  const sourceText =
    model.source.kind === 'dynamodb'
      ? `DynamoDB table ${model.source.description}`
      : model.source.kind === 'table-export'
        ? `table export ${model.source.description}`
        : `simulation (backtest result ${model.source.description})`;
  const library = options.chartJsSource ? `<script>${scriptSource(options.chartJsSource)}</script>` : '';
  return `<!DOCTYPE html>
<html lang="en" data-charts="pending">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="carbon-scheduler report">
<title>${e(model.title)} — ${e(model.period.from)} to ${e(model.period.to)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<div class="page">
<header class="report-header">
<h1>${e(model.title)}</h1>
<p class="meta">Period: <strong id="period">${e(model.period.from)} to ${e(model.period.to)}</strong> (${plural(model.period.days, 'day')}, UTC, both included)</p>
<p class="meta">Source: ${e(sourceText)} · generated ${e(shortTime(model.generatedAt))}</p>
</header>
<main id="main">
${summarySection(model)}
${headline(model)}
${boundarySection(model)}
${warnings(model)}
${charts(model)}
${model.source.kind === 'backtest' ? '' : regionTable(model)}
${model.source.kind === 'backtest' ? '' : actionsSection(model)}
${dispatchSection(model)}
${model.source.kind === 'backtest' ? '' : rightsizingSection(model)}
${backtestSection(model)}
${methodologySection(model)}
</main>
<footer>Made by <code>carbon-scheduler report</code> (carbon-aware-scheduler). Figures are estimates against the counterfactual of running; see the methodology.</footer>
</div>
<script type="application/json" id="report-data">${jsonForScript(chartData)}</script>
${library}
<script>${REPORT_CHART_SCRIPT}</script>
</body>
</html>
`;
}
