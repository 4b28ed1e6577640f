import type { CarbonForecast, CarbonReading, ProviderName, Signal } from './reading';

/** Interval assumed for the last point of a one-point forecast, ms (hourly data). */
const SINGLE_POINT_INTERVAL_MS = 3_600_000;

/**
 * The points of a forecast ordered by `observedAt` from the interval containing `now` onwards. A point's interval
 * ends where the next point starts; the last point's interval is as long as the gap before it (one hour for a
 * one-point forecast). Points whose interval ended at or before `now` are dropped.
 */
export function upcomingPoints<T extends Pick<CarbonReading, 'observedAt'>>(points: readonly T[], now: Date): T[] {
  const at = now.getTime();
  const times = points.map((point) => Date.parse(point.observedAt));
  return points.filter((_, i) => {
    const start = times[i]!;
    const next = times[i + 1];
    const end = next ?? start + (i > 0 ? start - times[i - 1]! : SINGLE_POINT_INTERVAL_MS);
    return end > at;
  });
}

/** A short description of a forecast for display (CLI `status`). Intensities in gCO2e/kWh. */
export interface ForecastSummary {
  readonly provider: ProviderName;
  readonly signal: Signal;
  readonly generatedAt: string;
  /** Start of the first upcoming point and of the last point, ISO-8601. */
  readonly from: string;
  readonly to: string;
  readonly points: number;
  readonly minGCO2ePerKWh: number;
  /** Start of the first point with the minimum. */
  readonly minAt: string;
  readonly maxGCO2ePerKWh: number;
  readonly maxAt: string;
  readonly meanGCO2ePerKWh: number;
}

/**
 * Summarize the upcoming part of a forecast (see {@link upcomingPoints}): minimum with its time, maximum, mean.
 * @returns undefined when no point is upcoming
 */
export function summarizeForecast(forecast: CarbonForecast, now: Date): ForecastSummary | undefined {
  const points = upcomingPoints(forecast.points, now);
  if (points.length === 0) return undefined;
  let min = points[0]!;
  let max = points[0]!;
  let sum = 0;
  for (const point of points) {
    if (point.gCO2ePerKWh < min.gCO2ePerKWh) min = point;
    if (point.gCO2ePerKWh > max.gCO2ePerKWh) max = point;
    sum += point.gCO2ePerKWh;
  }
  return {
    provider: forecast.provider,
    signal: forecast.signal,
    generatedAt: forecast.generatedAt,
    from: points[0]!.observedAt,
    to: points[points.length - 1]!.observedAt,
    points: points.length,
    minGCO2ePerKWh: min.gCO2ePerKWh,
    minAt: min.observedAt,
    maxGCO2ePerKWh: max.gCO2ePerKWh,
    maxAt: max.observedAt,
    meanGCO2ePerKWh: sum / points.length,
  };
}
