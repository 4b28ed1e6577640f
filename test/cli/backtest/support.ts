import { type ForecastSpec, forecastViews } from '../../../cli/backtest/forecast';
import { parseTrace, type TraceSeries } from '../../../cli/trace';

/** A generic trace text (`datetime,zone,carbon_intensity`) of hourly values per zone from `startIso`. */
export function hourlyCsv(startIso: string, zones: Readonly<Record<string, readonly number[]>>): string {
  const lines = ['datetime,zone,carbon_intensity'];
  const start = Date.parse(startIso);
  for (const [zone, values] of Object.entries(zones)) {
    values.forEach((g, i) => {
      lines.push(`${new Date(start + i * 3_600_000).toISOString()},${zone},${g}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

/** One zone's hourly series read through the product's trace reader. */
export function hourlySeries(zone: string, startIso: string, values: readonly number[]): TraceSeries {
  return parseTrace(hourlyCsv(startIso, { [zone]: values })).series(zone)!;
}

/** The view of one series under a forecast. */
export function viewOf(series: TraceSeries, spec: ForecastSpec = { kind: 'perfect' }, seed = 1) {
  return forecastViews([series], spec, seed)[0]!;
}

/** 24 hourly values, `base` everywhere except `overrides` (hour → value). */
export function day(base: number, overrides: Readonly<Record<number, number>>): number[] {
  return Array.from({ length: 24 }, (_, hour) => overrides[hour] ?? base);
}
