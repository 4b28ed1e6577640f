import * as z from 'zod';
import { type BuildReportOptions, buildReport, reportNarrative } from '../../lambdas/core/report/build-report';
import { REPORT_FORMULAS } from '../../lambdas/core/report/methodology';
import type { ReportBacktest, ReportDay, ReportDayRegion, ReportModel } from '../../lambdas/core/report/model';
import { InvalidReportPeriodError, type ReportPeriod, reportPeriod } from '../../lambdas/core/report/period';
import { emptyReportInput } from '../../lambdas/core/report/report-input';

/**
 * A backtest result file (`carbon-scheduler backtest --json > result.json`, schema version 1, documented in
 * cli/backtest/result.ts and report.ts) as a cost and carbon report. Read fields:
 * - every scenario: `scenario`, `jobs`, `baselineIntensity`, `policyIntensity`, `oracleIntensity`, `savingsPercent`,
 *   `oracleSavingsPercent`, `shareOfOracle`, `period`, `daily[]` (`date`, `jobs`, `baselineGCO2e`, `policyGCO2e`,
 *   `hoursPaused`), plus settings shown as parameters (`forecast`, `seed`, `lagMinutes`, `timezone`, `stepMinutes`,
 *   `energy`, `traces`, `notes`);
 * - `pause`: `zone`, `thresholdGCO2ePerKWh`, `hoursPaused`, `usdPerHour`, `pauses`, `energy.kWhPerHour` — its savings
 *   are counted as "avoided by schedules" (a paused `carbon-aware` instance);
 * - `shift` and `dispatch`: `zone` / `home`, `zones`, `policyZoneCounts` — their savings are counted as "saved by
 *   dispatch" (jobs moved in time or place).
 * Per day: saved gCO2e = `baselineGCO2e − policyGCO2e` of the daily row; `pause` USD = `hoursPaused × usdPerHour`.
 * The CSV and per-region rows use the trace's zone in the `region` column (a backtest has zones, not instances).
 */
const num = z.number();
const dailyRowSchema = z
  .object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    jobs: num.optional(),
    baselineGCO2e: num,
    policyGCO2e: num,
    hoursPaused: num.optional(),
  })
  .loose();

export const backtestResultSchema = z
  .object({
    schemaVersion: num.optional(),
    scenario: z.string().min(1),
    jobs: num.nonnegative().optional(),
    baselineIntensity: num.nullable().optional(),
    policyIntensity: num.nullable().optional(),
    oracleIntensity: num.nullable().optional(),
    baselineGCO2e: num.optional(),
    policyGCO2e: num.optional(),
    savingsPercent: num.nullable().optional(),
    oracleSavingsPercent: num.nullable().optional(),
    shareOfOracle: num.nullable().optional(),
    period: z.object({ from: z.string(), to: z.string() }).optional(),
    daily: z.array(dailyRowSchema).default([]),
    zone: z.string().optional(),
    home: z.string().optional(),
    zones: z.array(z.string()).optional(),
    usdPerHour: num.nullable().optional(),
    policyZoneCounts: z.record(z.string(), num).optional(),
    oracleZoneCounts: z.record(z.string(), num).optional(),
    energy: z.object({ kWhPerHour: num.optional() }).loose().optional(),
    notes: z.array(z.string()).optional(),
  })
  .loose();

/** A backtest result (the fields the report reads; others are kept). */
export type BacktestResult = z.output<typeof backtestResultSchema>;

/** A file that is not a backtest result. */
export class InvalidBacktestResultError extends Error {
  constructor(issues: string) {
    super(`not a backtest result (carbon-scheduler backtest --json): ${issues}`);
    this.name = 'InvalidBacktestResultError';
  }
}

/** True when `value` looks like a backtest result (an object with a string `scenario`). */
export function isBacktestResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { scenario?: unknown }).scenario === 'string';
}

/**
 * The days a backtest covers: from the UTC day of `period.from` to the UTC day of the last instant before `period.to`.
 * @throws {InvalidBacktestResultError} when the result has no readable period
 */
export function backtestPeriod(raw: unknown): ReportPeriod {
  const period = (raw as { period?: { from?: unknown; to?: unknown } } | null)?.period;
  const fromMs = Date.parse(String(period?.from));
  const toMs = Date.parse(String(period?.to));
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    throw new InvalidBacktestResultError(
      'period.from/period.to are missing or not ISO-8601 times; give --from and --to',
    );
  }
  try {
    return reportPeriod(new Date(fromMs).toISOString().slice(0, 10), new Date(toMs - 1).toISOString().slice(0, 10));
  } catch (error) {
    if (error instanceof InvalidReportPeriodError) throw new InvalidBacktestResultError(error.message);
    throw error;
  }
}

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (['string', 'number', 'boolean'].includes(typeof value)) return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  return undefined;
}

/** `/home/me/traces/de-2023.csv` → `de-2023.csv`: a report never shows local paths. */
const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

const readableTime = (iso: unknown): string => {
  const ms = Date.parse(String(iso));
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : String(iso);
};

const thousands = (value: unknown, digits = 0): string =>
  typeof value === 'number'
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : String(value);

function parameters(result: BacktestResult): ReportBacktest['parameters'] {
  const out: { name: string; value: string }[] = [];
  const add = (name: string, value: unknown) => {
    const text = scalarText(value);
    if (text !== undefined && text !== '') out.push({ name, value: text });
  };
  const r = result as Record<string, unknown>;
  const scenario = String(r.scenario);
  add(
    'What was simulated',
    scenario === 'pause'
      ? 'a carbon-aware instance paused while the grid is above the threshold'
      : scenario === 'dispatch'
        ? 'each job sent to the cleanest zone instead of the home zone'
        : scenario === 'shift'
          ? 'a daily job started at the cleanest time of its window'
          : scenario,
  );
  add('Grid zone', r.zone);
  add('Home zone', r.home);
  add('Candidate zones', r.zones);
  if (r.period && typeof r.period === 'object') {
    const p = r.period as { from?: unknown; to?: unknown };
    add('Period simulated', `${readableTime(p.from)} to ${readableTime(p.to)}`);
  }
  if (typeof r.jobs === 'number') {
    if (scenario === 'pause') add('Instance-hours simulated', thousands(r.jobHours ?? r.jobs));
    else add('Jobs simulated', thousands(r.jobs));
  }
  add(
    'What the policy knew of the future',
    r.forecast === 'perfect' ? 'the actual values (perfect forecast)' : r.forecast,
  );
  add('Random seed of the forecast noise', r.seed);
  if (typeof r.lagMinutes === 'number') add('Data delay when deciding', `${thousands(r.lagMinutes)} minutes`);
  add('Time zone of the days', r.timezone);
  if (typeof r.stepMinutes === 'number') add('Step of the carbon data', `${thousands(r.stepMinutes)} minutes`);
  if (typeof r.thresholdGCO2ePerKWh === 'number') add('Pause above', `${thousands(r.thresholdGCO2ePerKWh)} gCO2e/kWh`);
  if (typeof r.hoursPaused === 'number') add('Hours paused', thousands(r.hoursPaused, 1));
  if (typeof r.pauses === 'number') add('Pauses', thousands(r.pauses));
  if (typeof r.usdPerHour === 'number') add('On-demand price', `$${thousands(r.usdPerHour, 3)} per hour`);
  const energy = r.energy as Record<string, unknown> | undefined;
  if (energy) {
    add('Instance type', energy.instanceType);
    add('Region', energy.region);
    add('Power usage effectiveness (PUE)', energy.pue);
    if (typeof energy.kWhPerHour === 'number') {
      add('Energy per hour running', `${thousands(energy.kWhPerHour * 1000, 3)} Wh`);
    }
  }
  const traces = r.traces as { file?: unknown }[] | undefined;
  if (Array.isArray(traces)) {
    add('Carbon data files', traces.map((t) => fileName(String(t.file ?? ''))).filter(Boolean));
  }
  return out;
}

/** Jobs the policy and the oracle sent to each zone, most first. */
function destinations(result: BacktestResult): ReportBacktest['destinations'] {
  const r = result as Record<string, unknown>;
  const policy = (r.policyZoneCounts ?? {}) as Record<string, number>;
  const oracle = (r.oracleZoneCounts ?? {}) as Record<string, number>;
  const zones = [...new Set([...Object.keys(policy), ...Object.keys(oracle)])];
  if (zones.length === 0) return undefined;
  return zones
    .map((zone) => ({ zone, policyJobs: Number(policy[zone] ?? 0), oracleJobs: Number(oracle[zone] ?? 0) }))
    .sort((a, b) => b.policyJobs - a.policyJobs || a.zone.localeCompare(b.zone));
}

/**
 * The report of a backtest result.
 * @param period the report's days (from `--from`/`--to`, or {@link backtestPeriod}); daily rows outside it are left out
 * @param description the file name, shown as the source
 * @throws {InvalidBacktestResultError} when `raw` lacks `scenario` or a read field has the wrong type
 */
export function reportFromBacktest(
  raw: unknown,
  period: ReportPeriod,
  description: string,
  options: BuildReportOptions,
): ReportModel {
  const parsed = backtestResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidBacktestResultError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  const result = parsed.data;
  const isPause = result.scenario === 'pause';
  const zone = result.zone ?? (result.zones ? 'all zones' : 'trace');
  const usdPerHour = result.usdPerHour ?? undefined;
  const kWhPerHour = result.energy?.kWhPerHour;
  const rows = new Map(result.daily.filter((d) => period.days.includes(d.date)).map((d) => [d.date, d]));

  let cumulativeUsd = 0;
  let cumulativeG = 0;
  const days: ReportDay[] = [];
  const dayRegions: ReportDayRegion[] = [];
  for (const day of period.days) {
    const row = rows.get(day);
    const saved = row ? row.baselineGCO2e - row.policyGCO2e : 0;
    const hoursPaused = isPause ? (row?.hoursPaused ?? 0) : 0;
    const usd = isPause && usdPerHour !== undefined ? hoursPaused * usdPerHour : 0;
    const schedules = isPause ? saved : 0;
    const dispatch = isPause ? 0 : saved;
    const jobs = result.scenario === 'dispatch' ? (row?.jobs ?? 0) : 0;
    cumulativeUsd += usd;
    cumulativeG += schedules;
    days.push({
      day,
      usdSaved: usd,
      gCO2eAvoidedBySchedules: schedules,
      gCO2eSavedByDispatch: dispatch,
      cumulativeUsdSaved: cumulativeUsd,
      cumulativeGCO2eAvoided: cumulativeG,
      starts: 0,
      stops: 0,
      dispatchedJobs: jobs,
    });
    dayRegions.push({
      day,
      region: zone,
      usdSaved: usd,
      gCO2eAvoidedBySchedules: schedules,
      kWhAvoided: isPause && kWhPerHour !== undefined ? hoursPaused * kWhPerHour : 0,
      stoppedInstanceHours: hoursPaused,
      starts: 0,
      stops: 0,
      resizes: 0,
      failedActions: 0,
      intensity: null,
      dispatchedJobs: jobs,
      gCO2eSavedByDispatch: dispatch,
    });
  }
  const sum = (pick: (r: ReportDayRegion) => number) => dayRegions.reduce((t, r) => t + pick(r), 0);

  const base = buildReport(emptyReportInput(period, { kind: 'backtest', description: fileName(description) }), options);
  const optional = <K extends string>(key: K, value: number | null | undefined) =>
    typeof value === 'number' ? ({ [key]: value } as Record<K, number>) : {};
  const backtest: ReportBacktest = {
    scenario: result.scenario,
    ...optional('jobs', result.jobs),
    ...optional('baselineIntensity', result.baselineIntensity),
    ...optional('policyIntensity', result.policyIntensity),
    ...optional('oracleIntensity', result.oracleIntensity),
    ...optional('savingsPercent', result.savingsPercent),
    ...optional('oracleSavingsPercent', result.oracleSavingsPercent),
    ...optional('shareOfOracle', result.shareOfOracle),
    ...(destinations(result) ? { destinations: destinations(result)! } : {}),
    parameters: parameters(result),
  };
  const totals = {
    ...base.totals,
    usdSaved: sum((r) => r.usdSaved),
    gCO2eAvoidedBySchedules: sum((r) => r.gCO2eAvoidedBySchedules),
    kWhAvoided: sum((r) => r.kWhAvoided),
    stoppedInstanceHours: sum((r) => r.stoppedInstanceHours),
    gCO2eSavedByDispatch: sum((r) => r.gCO2eSavedByDispatch),
    dispatchedJobs: sum((r) => r.dispatchedJobs),
  };
  // What a reader must know about the data (not gaps: a backtest has no stored actions or rightsizing to miss).
  const warnings = [
    ...(isPause && usdPerHour === undefined ? ['the backtest knew no on-demand price, so dollars saved are 0'] : []),
    ...(result.notes ?? []).map((n) => n.replace(/(?:\/|[A-Za-z]:\\)[^\s:;,]*[\\/]([^\\/\s:;,]+)/g, '$1')),
  ];
  const model: ReportModel = {
    ...base,
    regions: [zone],
    totals,
    days,
    dayRegions,
    regionSummaries: [
      {
        region: zone,
        intensity: null,
        providers: [],
        usdSaved: totals.usdSaved,
        gCO2eAvoidedBySchedules: totals.gCO2eAvoidedBySchedules,
        kWhAvoided: totals.kWhAvoided,
        stoppedInstanceHours: totals.stoppedInstanceHours,
        starts: 0,
        stops: 0,
        resizes: 0,
        failedActions: 0,
        dispatchedJobs: totals.dispatchedJobs,
        gCO2eSavedByDispatch: totals.gCO2eSavedByDispatch,
        jobOutcomesOk: 0,
        jobOutcomesFailed: 0,
        rightsizingOpenMonthlyUsd: 0,
      },
    ],
    backtest,
    methodology: {
      ...base.methodology,
      formulas: [
        {
          name: 'Backtest savings',
          text:
            'Per day: saved gCO2e = baseline emissions − policy emissions of that day, each = energy × the grid ' +
            'intensity of the hours it ran; for pause, USD = hours paused × on-demand USD per hour. The baseline runs ' +
            'without carbon awareness; the oracle knows the future perfectly (the best possible result).',
        },
        ...REPORT_FORMULAS.filter((f) => ['Energy of an instance-hour', 'Emissions'].includes(f.name)),
      ],
      notes: [
        'Built from a backtest result: historical carbon intensity replayed through the same decision code the ' +
          'Lambdas run; no instance was touched.',
        ...base.methodology.notes,
      ],
    },
    warnings,
  };
  return { ...model, narrative: reportNarrative(model) };
}
