import type {
  CarbonForecast,
  CarbonReading,
  ProviderName,
  ReadingOrigin,
  SourcedReading,
} from '../../../lambdas/core/carbon/reading';

/** A sourced reading of `region` at `g` gCO2e/kWh observed `ageMinutes` before `now`. */
export function sourced(
  region: string,
  g: number,
  now: Date,
  ageMinutes = 10,
  options: { provider?: ProviderName; origin?: ReadingOrigin; zone?: string; isEstimated?: boolean } = {},
): SourcedReading {
  const observedAt = new Date(now.getTime() - ageMinutes * 60_000).toISOString();
  const reading: CarbonReading = {
    region,
    zone: options.zone ?? `ZONE-${region}`,
    provider: options.provider ?? 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: g,
    observedAt,
    fetchedAt: observedAt,
    isEstimated: options.isEstimated ?? false,
    isForecast: false,
  };
  return { reading, origin: options.origin ?? 'cached' };
}

/** A forecast of `region` with one point per `stepMinutes` from `start`, values `values`. */
export function forecast(region: string, start: string, values: readonly number[], stepMinutes = 60): CarbonForecast {
  const t0 = Date.parse(start);
  return {
    region,
    zone: `ZONE-${region}`,
    provider: 'electricitymaps',
    signal: 'average',
    generatedAt: start,
    points: values.map((g, i) => {
      const at = new Date(t0 + i * stepMinutes * 60_000).toISOString();
      return {
        region,
        zone: `ZONE-${region}`,
        provider: 'electricitymaps',
        signal: 'average',
        gCO2ePerKWh: g,
        observedAt: at,
        fetchedAt: start,
        isEstimated: false,
        isForecast: true,
      };
    }),
  };
}
