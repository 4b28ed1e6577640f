import { reportMethodology } from './methodology';
import {
  type ActionCount,
  type IntensitySeries,
  type IntensityStats,
  REPORT_SCHEMA_VERSION,
  type ReportComparison,
  type ReportDay,
  type ReportDayRegion,
  type ReportDispatchRegion,
  type ReportModel,
  type ReportRegion,
  type ReportRightsizingItem,
  type ReportTopInstance,
  type ReportTotals,
} from './model';
import { inPeriod, utcDayOf } from './period';
import type { ReportInput, ReportRecommendation } from './report-input';

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** When the report is made (the CLI's clock); shown in the report, never used to filter data. */
  readonly generatedAt: Date;
  /** Title of the report (default "Carbon-aware scheduler: cost and carbon report"). */
  readonly title?: string;
  /** How many instances the "top instances" list holds (default 10). */
  readonly topInstances?: number;
  /** Width of the intensity chart's buckets, minutes (default {@link defaultBucketMinutes} of the period). */
  readonly bucketMinutes?: number;
}

/** Default report title. */
export const DEFAULT_REPORT_TITLE = 'Carbon-aware scheduler: cost and carbon report';

/**
 * Width of the intensity chart's buckets for a period of `days` days: hourly up to 31 days, 6-hourly up to 92 days,
 * daily beyond (at most a few thousand points per region).
 */
export function defaultBucketMinutes(days: number): number {
  return days <= 31 ? 60 : days <= 92 ? 360 : 1440;
}

/** History retention of the table (HISTORY# and JOB# items), days. */
const HISTORY_RETENTION_DAYS = 90;
const ACTIONS: readonly ActionCount['action'][] = ['start', 'stop', 'resize', 'hibernate', 'revert'];
/** Statuses whose monthly savings are still to be had. */
const OPEN_STATUSES = new Set(['open', 'pending-apply']);

interface Stats {
  sum: number;
  min: number;
  max: number;
  count: number;
}

function addStat(stats: Stats | undefined, value: number): Stats {
  if (!stats) return { sum: value, min: value, max: value, count: 1 };
  stats.sum += value;
  stats.min = Math.min(stats.min, value);
  stats.max = Math.max(stats.max, value);
  stats.count += 1;
  return stats;
}

function statsOf(stats: Stats | undefined): IntensityStats | null {
  if (!stats || stats.count === 0) return null;
  return {
    meanGCO2ePerKWh: stats.sum / stats.count,
    minGCO2ePerKWh: stats.min,
    maxGCO2ePerKWh: stats.max,
    readings: stats.count,
  };
}

interface MutableDayRegion {
  day: string;
  region: string;
  usdSaved: number;
  gCO2eAvoidedBySchedules: number;
  kWhAvoided: number;
  stoppedInstanceHours: number;
  starts: number;
  stops: number;
  resizes: number;
  failedActions: number;
  intensity?: Stats;
  dispatchedJobs: number;
  gCO2eSavedByDispatch: number;
}

const finite = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function isOpenRecommendation(rec: ReportRecommendation): boolean {
  return rec.status !== undefined && OPEN_STATUSES.has(rec.status) && finite(rec.monthlySavingsUsd) >= 0;
}

/**
 * Build the report of a period from the data a reader collected (pure: no I/O, no clock).
 *
 * - Savings per day and region are the `SAVINGS#` daily totals of the period's days.
 * - Actions are history entries with `at` in the period: successful `start` count as starts, successful `stop` and
 *   `hibernate` as stops, successful `resize` as resizes; every failed action counts in `failedActions`.
 * - Dispatch counts decisions with `decidedAt` in the period whose action is `dispatched` (not dry runs), in the
 *   chosen region; their `emissions.savedGrams` is the CO2e saved by dispatch.
 * - Intensity statistics use every stored (non-forecast) reading of the period.
 * - Rightsizing and top instances describe the table as it is now (they are not kept per day).
 */
export function buildReport(input: ReportInput, options: BuildReportOptions): ReportModel {
  const { period } = input;
  const daySet = new Set(period.days);
  const bucketMinutes = options.bucketMinutes ?? defaultBucketMinutes(period.days.length);
  const bucketMs = bucketMinutes * 60_000;

  const savings = input.savings.filter((s) => daySet.has(s.day));
  const readings = input.readings.filter((r) => inPeriod(period, r.observedAt) && Number.isFinite(r.gCO2ePerKWh));
  const history = input.history.filter((h) => inPeriod(period, h.at));
  const decisions = input.decisions.filter((d) => inPeriod(period, d.decidedAt));
  const dispatched = decisions.filter((d) => d.action === 'dispatched' && !d.dryRun);

  const regionSet = new Set<string>([...input.carbonRegions, ...input.managedRegions]);
  for (const s of savings) regionSet.add(s.region);
  for (const r of readings) regionSet.add(r.region);
  for (const h of history) regionSet.add(h.region);
  for (const d of dispatched) if (d.chosenRegion) regionSet.add(d.chosenRegion);
  const regions = [...regionSet].sort();

  const cells = new Map<string, MutableDayRegion>();
  const key = (day: string, region: string) => `${day}|${region}`;
  for (const day of period.days) {
    for (const region of regions) {
      cells.set(key(day, region), {
        day,
        region,
        usdSaved: 0,
        gCO2eAvoidedBySchedules: 0,
        kWhAvoided: 0,
        stoppedInstanceHours: 0,
        starts: 0,
        stops: 0,
        resizes: 0,
        failedActions: 0,
        dispatchedJobs: 0,
        gCO2eSavedByDispatch: 0,
      });
    }
  }

  for (const s of savings) {
    const cell = cells.get(key(s.day, s.region))!;
    cell.usdSaved += finite(s.usd);
    cell.gCO2eAvoidedBySchedules += finite(s.gCO2e);
    cell.kWhAvoided += finite(s.kWh);
    cell.stoppedInstanceHours += finite(s.stoppedHours);
  }

  const regionIntensity = new Map<string, Stats>();
  const providers = new Map<string, Set<string>>();
  const buckets = new Map<string, Map<number, Stats>>();
  for (const r of readings) {
    const day = utcDayOf(r.observedAt)!;
    const cell = cells.get(key(day, r.region))!;
    cell.intensity = addStat(cell.intensity, r.gCO2ePerKWh);
    regionIntensity.set(r.region, addStat(regionIntensity.get(r.region), r.gCO2ePerKWh));
    providers.set(r.region, (providers.get(r.region) ?? new Set()).add(r.provider));
    const bucket = Math.floor(Date.parse(r.observedAt) / bucketMs) * bucketMs;
    const regionBuckets = buckets.get(r.region) ?? new Map<number, Stats>();
    regionBuckets.set(bucket, addStat(regionBuckets.get(bucket), r.gCO2ePerKWh));
    buckets.set(r.region, regionBuckets);
  }

  const actionCounts = new Map<ActionCount['action'], { ok: number; failed: number }>(
    ACTIONS.map((a) => [a, { ok: 0, failed: 0 }]),
  );
  const actionsPerInstance = new Map<string, number>();
  for (const h of history) {
    const cell = cells.get(key(utcDayOf(h.at)!, h.region))!;
    const count = actionCounts.get(h.action);
    if (count) count[h.outcome === 'ok' ? 'ok' : 'failed'] += 1;
    actionsPerInstance.set(
      `${h.region}|${h.instanceId}`,
      (actionsPerInstance.get(`${h.region}|${h.instanceId}`) ?? 0) + 1,
    );
    if (h.outcome !== 'ok') {
      cell.failedActions += 1;
      continue;
    }
    if (h.action === 'start') cell.starts += 1;
    else if (h.action === 'stop' || h.action === 'hibernate') cell.stops += 1;
    else if (h.action === 'resize') cell.resizes += 1;
  }

  const dispatchRegions = new Map<string, { jobs: number; grams: number }>();
  for (const d of dispatched) {
    const region = d.chosenRegion ?? 'unknown';
    const grams = finite(d.emissions?.savedGrams);
    const cell = cells.get(key(utcDayOf(d.decidedAt)!, region));
    if (cell) {
      cell.dispatchedJobs += 1;
      cell.gCO2eSavedByDispatch += grams;
    }
    const entry = dispatchRegions.get(region) ?? { jobs: 0, grams: 0 };
    entry.jobs += 1;
    entry.grams += grams;
    dispatchRegions.set(region, entry);
  }
  const periodJobIds = new Set(decisions.map((d) => d.jobId));
  const outcomeCounts = new Map<string, { ok: number; failed: number }>();
  for (const o of input.outcomes) {
    const counted = periodJobIds.has(o.jobId) || (o.endedAt !== undefined && inPeriod(period, o.endedAt));
    if (!counted) continue;
    const entry = outcomeCounts.get(o.region) ?? { ok: 0, failed: 0 };
    entry[o.outcome === 'ok' ? 'ok' : 'failed'] += 1;
    outcomeCounts.set(o.region, entry);
  }

  const openRecommendations = input.recommendations.filter(isOpenRecommendation);
  const rightsizing: ReportRightsizingItem[] = openRecommendations
    .map((rec) => {
      const proposed = rec.proposed?.instanceType ?? rec.graviton?.instanceType;
      return {
        instanceId: rec.instanceId,
        region: rec.region,
        currentInstanceType: rec.currentInstanceType,
        ...(proposed ? { proposedInstanceType: proposed } : {}),
        status: rec.status!,
        monthlySavingsUsd: finite(rec.monthlySavingsUsd),
        monthlySavingsGCO2e: finite(rec.monthlySavingsGCO2e),
      };
    })
    .sort((a, b) => b.monthlySavingsUsd - a.monthlySavingsUsd || a.instanceId.localeCompare(b.instanceId));

  const dayRegions: ReportDayRegion[] = [...cells.values()].map(({ intensity, ...rest }) => ({
    ...rest,
    intensity: statsOf(intensity),
  }));

  const days: ReportDay[] = [];
  let cumulativeUsd = 0;
  let cumulativeG = 0;
  for (const day of period.days) {
    const rows = dayRegions.filter((row) => row.day === day);
    const sum = (pick: (row: ReportDayRegion) => number) => rows.reduce((total, row) => total + pick(row), 0);
    const usdSaved = sum((r) => r.usdSaved);
    const gCO2eAvoidedBySchedules = sum((r) => r.gCO2eAvoidedBySchedules);
    cumulativeUsd += usdSaved;
    cumulativeG += gCO2eAvoidedBySchedules;
    days.push({
      day,
      usdSaved,
      gCO2eAvoidedBySchedules,
      gCO2eSavedByDispatch: sum((r) => r.gCO2eSavedByDispatch),
      cumulativeUsdSaved: cumulativeUsd,
      cumulativeGCO2eAvoided: cumulativeG,
      starts: sum((r) => r.starts),
      stops: sum((r) => r.stops),
      dispatchedJobs: sum((r) => r.dispatchedJobs),
    });
  }

  const regionSummaries: ReportRegion[] = regions.map((region) => {
    const rows = dayRegions.filter((row) => row.region === region);
    const sum = (pick: (row: ReportDayRegion) => number) => rows.reduce((total, row) => total + pick(row), 0);
    const dispatch = dispatchRegions.get(region);
    const outcomes = outcomeCounts.get(region);
    return {
      region,
      intensity: statsOf(regionIntensity.get(region)),
      providers: [...(providers.get(region) ?? [])].sort(),
      usdSaved: sum((r) => r.usdSaved),
      gCO2eAvoidedBySchedules: sum((r) => r.gCO2eAvoidedBySchedules),
      kWhAvoided: sum((r) => r.kWhAvoided),
      stoppedInstanceHours: sum((r) => r.stoppedInstanceHours),
      starts: sum((r) => r.starts),
      stops: sum((r) => r.stops),
      resizes: sum((r) => r.resizes),
      failedActions: sum((r) => r.failedActions),
      dispatchedJobs: dispatch?.jobs ?? 0,
      gCO2eSavedByDispatch: dispatch?.grams ?? 0,
      jobOutcomesOk: outcomes?.ok ?? 0,
      jobOutcomesFailed: outcomes?.failed ?? 0,
      rightsizingOpenMonthlyUsd: rightsizing
        .filter((r) => r.region === region)
        .reduce((t, r) => t + r.monthlySavingsUsd, 0),
    };
  });

  const series: IntensitySeries[] = [...buckets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, regionBuckets]) => ({
      region,
      points: [...regionBuckets.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, stats]) => ({ t: new Date(t).toISOString(), gCO2ePerKWh: stats.sum / stats.count })),
    }));

  const topInstances: ReportTopInstance[] = input.instances
    .map((instance) => ({
      instanceId: instance.instanceId,
      region: instance.region,
      schedule: instance.schedule,
      instanceType: instance.instanceType,
      savedUsd: finite(instance.savedUsd),
      savedGCO2e: finite(instance.savedGCO2e),
      stoppedHours: finite(instance.stoppedHours),
      actionsInPeriod: actionsPerInstance.get(`${instance.region}|${instance.instanceId}`) ?? 0,
      ...(instance.lastAction ? { lastAction: instance.lastAction } : {}),
      ...(instance.lastActionAt ? { lastActionAt: instance.lastActionAt } : {}),
    }))
    .filter((i) => i.savedUsd > 0 || i.savedGCO2e > 0 || i.actionsInPeriod > 0)
    .sort(
      (a, b) =>
        b.savedUsd - a.savedUsd ||
        b.savedGCO2e - a.savedGCO2e ||
        b.actionsInPeriod - a.actionsInPeriod ||
        a.instanceId.localeCompare(b.instanceId),
    )
    .slice(0, options.topInstances ?? 10);

  const dispatchByRegion: ReportDispatchRegion[] = [...dispatchRegions.entries()]
    .map(([region, { jobs, grams }]) => ({ region, jobs, gCO2eSaved: grams }))
    .sort((a, b) => b.jobs - a.jobs || a.region.localeCompare(b.region));

  const totals: ReportTotals = {
    usdSaved: days.reduce((t, d) => t + d.usdSaved, 0),
    gCO2eAvoidedBySchedules: days.reduce((t, d) => t + d.gCO2eAvoidedBySchedules, 0),
    kWhAvoided: dayRegions.reduce((t, r) => t + r.kWhAvoided, 0),
    stoppedInstanceHours: dayRegions.reduce((t, r) => t + r.stoppedInstanceHours, 0),
    gCO2eSavedByDispatch: days.reduce((t, d) => t + d.gCO2eSavedByDispatch, 0),
    dispatchedJobs: dispatched.length,
    rightsizingOpenMonthlyUsd: rightsizing.reduce((t, r) => t + r.monthlySavingsUsd, 0),
    rightsizingOpenMonthlyGCO2e: rightsizing.reduce((t, r) => t + r.monthlySavingsGCO2e, 0),
    rightsizingOpenCount: rightsizing.length,
    starts: days.reduce((t, d) => t + d.starts, 0),
    stops: days.reduce((t, d) => t + d.stops, 0),
    failedActions: dayRegions.reduce((t, r) => t + r.failedActions, 0),
  };

  const warnings = [...input.warnings];
  for (const region of input.carbonRegions) {
    if (!regionIntensity.has(region)) {
      warnings.push(
        `no stored carbon readings for ${region} in the period (readings are kept carbon.cacheTtlMinutes; see data sources)`,
      );
    }
  }
  const oldestKept = options.generatedAt.getTime() - HISTORY_RETENTION_DAYS * 86_400_000;
  if (Date.parse(period.startIso) < oldestKept && input.source.kind !== 'backtest') {
    warnings.push(
      `the period starts more than ${HISTORY_RETENTION_DAYS} days ago: actions and dispatch records older than ` +
        `${new Date(oldestKept).toISOString().slice(0, 10)} have expired from the table (savings totals are kept)`,
    );
  }

  const allProviders = [...new Set(readings.map((r) => r.provider))].sort();
  const model: ReportModel = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    title: options.title ?? DEFAULT_REPORT_TITLE,
    generatedAt: options.generatedAt.toISOString(),
    period: { from: period.from, to: period.to, days: period.days.length },
    source: input.source,
    regions,
    totals,
    days,
    dayRegions,
    regionSummaries,
    intensitySeries: { bucketMinutes, series },
    actionsByType: ACTIONS.map((action) => ({ action, ...actionCounts.get(action)! })),
    topInstances,
    dispatchByRegion,
    dispatchNotDispatched: {
      deferred: decisions.filter((d) => d.action === 'deferred').length,
      failed: decisions.filter((d) => d.action === 'failed').length,
      planned: decisions.filter((d) => d.action === 'planned' || (d.action === 'dispatched' && d.dryRun)).length,
    },
    rightsizing,
    narrative: [],
    methodology: reportMethodology(input.source, input.accessPaths, allProviders),
    warnings,
  };
  return { ...model, narrative: reportNarrative(model) };
}

const changePercent = (now: number, before: number): number | null =>
  before === 0 ? null : ((now - before) / Math.abs(before)) * 100;

/**
 * `model` with the comparison against `previous` (the report of the period just before, of the same length) and a
 * narrative that quotes it. Pure.
 */
export function withComparison(model: ReportModel, previous: ReportModel): ReportModel {
  const avoided = (m: ReportModel) => m.totals.gCO2eAvoidedBySchedules + m.totals.gCO2eSavedByDispatch;
  const comparison: ReportComparison = {
    period: previous.period,
    usdSaved: previous.totals.usdSaved,
    gCO2eAvoided: avoided(previous),
    stoppedInstanceHours: previous.totals.stoppedInstanceHours,
    usdChangePercent: changePercent(model.totals.usdSaved, previous.totals.usdSaved),
    gCO2eChangePercent: changePercent(avoided(model), avoided(previous)),
  };
  const withIt = { ...model, comparison };
  return { ...withIt, narrative: reportNarrative(withIt) };
}

/** Grams for a sentence: `620 g`, `1.66 kg`, `3.25 t`. */
function gramsText(grams: number): string {
  const abs = Math.abs(grams);
  const fixed = (value: number) =>
    new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  if (abs < 1000) return `${Math.round(grams).toLocaleString('en-US')} g`;
  if (abs < 1_000_000) return `${fixed(grams / 1000)} kg`;
  return `${fixed(grams / 1_000_000)} t`;
}

const dollars = (usd: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 }).format(usd);

/**
 * A short narrative of the report for a reader who will not read the tables: what was saved, how it compares with
 * the previous period, what drove it, and what is not covered. Pure; every number comes from the model.
 */
export function reportNarrative(model: ReportModel): string[] {
  const t = model.totals;
  const avoided = t.gCO2eAvoidedBySchedules + t.gCO2eSavedByDispatch;
  const span = `${model.period.from} to ${model.period.to} (${model.period.days} day${model.period.days === 1 ? '' : 's'})`;
  const sentences: string[] = [];
  if (model.backtest) {
    const b = model.backtest;
    const share =
      b.shareOfOracle === undefined
        ? ''
        : `, ${Math.round(b.shareOfOracle * 1000) / 10}% of what perfect knowledge would have achieved`;
    const savings =
      b.savingsPercent === undefined ? '' : ` (${Math.round(b.savingsPercent * 10) / 10}% of the baseline's emissions)`;
    if (b.scenario === 'pause') {
      sentences.push(
        `Simulated on historical grid data for ${span}: pausing the instance while the grid was above its threshold ` +
          `would have avoided ${gramsText(avoided)} CO2e${savings} and ${dollars(t.usdSaved)} of compute, keeping it ` +
          `stopped ${t.stoppedInstanceHours.toLocaleString('en-US', { maximumFractionDigits: 1 })} hours${share}.`,
      );
    } else if (b.scenario === 'dispatch') {
      const top = b.destinations?.[0];
      sentences.push(
        `Simulated on historical grid data for ${span}: sending each job to the cleanest zone instead of running it at ` +
          `home would have saved ${gramsText(avoided)} CO2e${savings}${share}.` +
          (top ? ` Most jobs went to ${top.zone} (${top.policyJobs.toLocaleString('en-US')}).` : '') +
          ' Dispatch moves work, it does not stop it, so it saves no compute dollars.',
      );
    } else {
      sentences.push(
        `Simulated on historical grid data for ${span}: starting the daily job at the cleanest forecast time in its ` +
          `window would have saved ${gramsText(avoided)} CO2e${savings}${share}; it saves no compute dollars.`,
      );
    }
    sentences.push('No instance was touched: these are the results of a replay, not of the deployed product.');
    return sentences;
  }
  if (avoided === 0 && t.usdSaved === 0 && t.dispatchedJobs === 0) {
    sentences.push(`From ${span} the table holds no savings: no instance was kept stopped and no job was dispatched.`);
  } else {
    sentences.push(
      `From ${span} the scheduler kept instances stopped for ` +
        `${t.stoppedInstanceHours.toLocaleString('en-US', { maximumFractionDigits: 1 })} instance-hours, saving ` +
        `${dollars(t.usdSaved)} of on-demand compute and avoiding ${gramsText(t.gCO2eAvoidedBySchedules)} CO2e` +
        (t.dispatchedJobs > 0
          ? `; ${t.dispatchedJobs.toLocaleString('en-US')} dispatched job${t.dispatchedJobs === 1 ? '' : 's'} saved a further ${gramsText(t.gCO2eSavedByDispatch)}.`
          : '.'),
    );
  }
  const c = model.comparison;
  if (c) {
    const change = (value: number | null) =>
      value === null ? 'against none' : `${value >= 0 ? 'up' : 'down'} ${Math.abs(Math.round(value * 10) / 10)}%`;
    sentences.push(
      `Against the previous ${c.period.days} days (${c.period.from} to ${c.period.to}): dollars saved ` +
        `${change(c.usdChangePercent)} (${dollars(c.usdSaved)} then), CO2e avoided ${change(c.gCO2eChangePercent)} ` +
        `(${gramsText(c.gCO2eAvoided)} then).`,
    );
  }
  const best = [...model.regionSummaries].sort(
    (a, b) => b.gCO2eAvoidedBySchedules + b.gCO2eSavedByDispatch - (a.gCO2eAvoidedBySchedules + a.gCO2eSavedByDispatch),
  )[0];
  if (best && best.gCO2eAvoidedBySchedules + best.gCO2eSavedByDispatch > 0 && model.regionSummaries.length > 1) {
    sentences.push(
      `${best.region} contributed most: ${gramsText(best.gCO2eAvoidedBySchedules + best.gCO2eSavedByDispatch)}.`,
    );
  }
  if (t.rightsizingOpenCount > 0) {
    sentences.push(
      `${t.rightsizingOpenCount} open rightsizing recommendation${t.rightsizingOpenCount === 1 ? '' : 's'} would save ` +
        `${dollars(t.rightsizingOpenMonthlyUsd)} and ${gramsText(t.rightsizingOpenMonthlyGCO2e)} CO2e a month more.`,
    );
  }
  sentences.push('The CO2e figures count CPU energy only and are a lower bound (see the boundary statement).');
  return sentences;
}
