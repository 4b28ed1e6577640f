import type { ReportModel } from '../../lambdas/core/report/model';

/**
 * The data of the HTML report's charts, prepared on the server side so the inline script only draws. Colours are
 * the Okabe–Ito palette (readable with the common forms of colour blindness).
 */
export interface ReportChartData {
  /**
   * Carbon intensity per region over time: one label per bucket from the first to the last reading (`MM-DD HH:mm`
   * UTC, or `YYYY-MM-DD` for day buckets), null where a region has no reading in it.
   */
  readonly intensity: {
    readonly labels: string[];
    readonly datasets: { label: string; color: string; data: (number | null)[] }[];
  } | null;
  /** Successful starts and stops per day (all regions). */
  readonly actions: { readonly labels: string[]; readonly starts: number[]; readonly stops: number[] };
  /** USD saved per day, cumulative USD and cumulative kg CO2e avoided by schedules. */
  readonly savings: {
    readonly labels: string[];
    readonly dailyUsd: number[];
    readonly cumulativeUsd: number[];
    /** Running total of CO2e avoided by schedules and saved by dispatch, kg. */
    readonly cumulativeKgCO2e: number[];
  };
  /** Dispatched jobs per destination (table: jobs and grams saved; backtest: the policy's and the oracle's jobs). */
  readonly destinations: {
    readonly labels: string[];
    readonly datasets: { label: string; color: string; data: number[] }[];
  } | null;
}

/** Okabe & Ito (2008), "Color Universal Design". */
export const REPORT_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** `2026-11-23T08:00:00.000Z` → `11-23 08:00` (or `2026-11-23` for day buckets). */
function bucketLabel(iso: string, bucketMinutes: number): string {
  return bucketMinutes >= 1440 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Every bucket from the first to the last one with data, so the x axis runs evenly in time. */
function bucketTimes(model: ReportModel): string[] {
  const ms = model.intensitySeries.series.flatMap((s) => s.points.map((p) => Date.parse(p.t)));
  if (ms.length === 0) return [];
  const step = model.intensitySeries.bucketMinutes * 60_000;
  const first = Math.min(...ms);
  const last = Math.max(...ms);
  const times: string[] = [];
  for (let t = first; t <= last; t += step) times.push(new Date(t).toISOString());
  return times;
}

/** Chart data of a report (see {@link ReportChartData}). */
export function reportChartData(model: ReportModel): ReportChartData {
  const times = bucketTimes(model);
  const bucketMinutes = model.intensitySeries.bucketMinutes;
  const intensity =
    times.length === 0
      ? null
      : {
          labels: times.map((t) => bucketLabel(t, bucketMinutes)),
          datasets: model.intensitySeries.series.map((series, index) => {
            const byTime = new Map(series.points.map((p) => [p.t, p.gCO2ePerKWh]));
            return {
              label: series.region,
              color: REPORT_PALETTE[index % REPORT_PALETTE.length]!,
              data: times.map((t) => {
                const value = byTime.get(t);
                return value === undefined ? null : round(value, 2);
              }),
            };
          }),
        };
  const labels = model.days.map((d) => d.day);
  let cumulative = 0;
  const cumulativeKg = model.days.map((d) => {
    cumulative += d.gCO2eAvoidedBySchedules + d.gCO2eSavedByDispatch;
    return round(cumulative / 1000, 4);
  });
  const fromBacktest = model.backtest?.destinations;
  const destinations =
    fromBacktest && fromBacktest.length > 0
      ? {
          labels: fromBacktest.map((d) => d.zone),
          datasets: [
            {
              label: 'Jobs sent there by the policy',
              color: REPORT_PALETTE[0]!,
              data: fromBacktest.map((d) => d.policyJobs),
            },
            {
              label: 'Jobs the oracle would send',
              color: REPORT_PALETTE[1]!,
              data: fromBacktest.map((d) => d.oracleJobs),
            },
          ],
        }
      : model.dispatchByRegion.length > 0
        ? {
            labels: model.dispatchByRegion.map((d) => d.region),
            datasets: [
              {
                label: 'Jobs dispatched there',
                color: REPORT_PALETTE[0]!,
                data: model.dispatchByRegion.map((d) => d.jobs),
              },
            ],
          }
        : null;
  return {
    destinations,
    intensity,
    actions: { labels, starts: model.days.map((d) => d.starts), stops: model.days.map((d) => d.stops) },
    savings: {
      labels,
      dailyUsd: model.days.map((d) => round(d.usdSaved, 4)),
      cumulativeUsd: model.days.map((d) => round(d.cumulativeUsdSaved, 4)),
      cumulativeKgCO2e: cumulativeKg,
    },
  };
}
