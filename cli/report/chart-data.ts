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
    readonly cumulativeKgCO2e: number[];
  };
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
  return {
    intensity,
    actions: { labels, starts: model.days.map((d) => d.starts), stops: model.days.map((d) => d.stops) },
    savings: {
      labels,
      dailyUsd: model.days.map((d) => round(d.usdSaved, 4)),
      cumulativeUsd: model.days.map((d) => round(d.cumulativeUsdSaved, 4)),
      cumulativeKgCO2e: model.days.map((d) => round(d.cumulativeGCO2eAvoided / 1000, 4)),
    },
  };
}
