import { adjustedIntensity, ageSeconds, type FreshnessOptions, type QualityBand, qualityBand } from './freshness';
import type { ProviderName, Signal, SourcedReading } from './reading';

/**
 * One region's carbon status as the CLI prints it with `--json` (README, CLI): intensities in gCO2e/kWh,
 * `ageSeconds` whole seconds, `aboveThreshold` compares the raw intensity (not the adjusted one) with the threshold.
 */
export interface CarbonStatusRow {
  readonly region: string;
  readonly zone: string;
  readonly provider: ProviderName;
  readonly signal: Signal;
  readonly gCO2ePerKWh: number;
  readonly adjustedGCO2ePerKWh: number;
  readonly observedAt: string;
  readonly ageSeconds: number;
  readonly isEstimated: boolean;
  readonly quality: QualityBand;
  readonly threshold: number;
  readonly aboveThreshold: boolean;
}

/**
 * The status row of a sourced reading at `now`.
 * @param threshold gCO2e/kWh (config `thresholdFor(region)` or `--threshold`)
 */
export function carbonStatusRow(
  sourced: SourcedReading,
  now: Date,
  threshold: number,
  freshness: FreshnessOptions = {},
): CarbonStatusRow {
  const reading = sourced.reading;
  return {
    region: reading.region,
    zone: reading.zone,
    provider: reading.provider,
    signal: reading.signal,
    gCO2ePerKWh: reading.gCO2ePerKWh,
    adjustedGCO2ePerKWh: adjustedIntensity(reading, now, freshness),
    observedAt: reading.observedAt,
    ageSeconds: Math.round(ageSeconds(reading, now)),
    isEstimated: reading.isEstimated,
    quality: qualityBand(reading.gCO2ePerKWh),
    threshold,
    aboveThreshold: reading.gCO2ePerKWh > threshold,
  };
}

/** A human reading of an age: `45 s`, `20 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatAgeSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
