import { ageSeconds } from './freshness';
import type { ProviderFailureKind } from './provider';
import type { CarbonReading } from './reading';

/**
 * Largest intensity accepted as real, gCO2e/kWh. The dirtiest generation (lignite) is about 1,100–1,200 g/kWh over
 * its life cycle (IPCC AR5 WG3 Annex III, table A.III.2) and marginal rates stay below that; anything above 3,000 is
 * a unit or parsing error. The same bound limits configured thresholds.
 */
export const MAX_PLAUSIBLE_GCO2E_PER_KWH = 3000;

/** Clock skew tolerated before a reading counts as "from the future", seconds. */
export const DEFAULT_FUTURE_TOLERANCE_SECONDS = 300;

/** Oldest reading accepted, live or cached, seconds (config `carbon.maxDataAgeMinutes` default: 120 min). */
export const DEFAULT_MAX_DATA_AGE_SECONDS = 7200;

/** Limits a reading must meet to be used. */
export interface ReadingLimits {
  /** Oldest acceptable reading, seconds; default {@link DEFAULT_MAX_DATA_AGE_SECONDS}. */
  readonly maxAgeSeconds?: number;
  /** How far in the future `observedAt` may lie (clock skew), seconds; default {@link DEFAULT_FUTURE_TOLERANCE_SECONDS}. */
  readonly futureToleranceSeconds?: number;
}

/** What is wrong with a reading: a failure kind and one readable line. */
export interface ReadingProblem {
  readonly kind: ProviderFailureKind;
  readonly message: string;
}

/**
 * Check an intensity value from a provider (already converted to gCO2e/kWh).
 *
 * Accepts finite numbers from 0 to {@link MAX_PLAUSIBLE_GCO2E_PER_KWH}; 0 is legitimate for a marginal signal
 * (WattTime reports 0 during curtailment). Missing data is reported as a problem, never turned into 0 g.
 *
 * @returns the problem, or undefined when the value is usable
 */
export function intensityProblem(value: unknown, field = 'carbon intensity'): ReadingProblem | undefined {
  if (value === undefined || value === null) {
    return { kind: 'invalid-value', message: `${field} is missing` };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { kind: 'invalid-value', message: `${field} ${JSON.stringify(value)} is not a number` };
  }
  if (value < 0) {
    return { kind: 'invalid-value', message: `${field} ${value} gCO2e/kWh is negative` };
  }
  if (value > MAX_PLAUSIBLE_GCO2E_PER_KWH) {
    return {
      kind: 'invalid-value',
      message: `${field} ${value} gCO2e/kWh is above ${MAX_PLAUSIBLE_GCO2E_PER_KWH}, no grid is that dirty`,
    };
  }
  return undefined;
}

/**
 * Check a whole reading at `now`: plausible value, valid `observedAt`, not in the future beyond the tolerance,
 * not older than the maximum age. Static readings are never stale.
 *
 * @returns the first problem found, or undefined when the reading may be used
 */
export function readingProblem(
  reading: Pick<CarbonReading, 'gCO2ePerKWh' | 'observedAt' | 'provider'>,
  now: Date,
  limits: ReadingLimits = {},
): ReadingProblem | undefined {
  const value = intensityProblem(reading.gCO2ePerKWh);
  if (value) return value;
  const observed = Date.parse(reading.observedAt);
  if (Number.isNaN(observed)) {
    return { kind: 'malformed', message: `observedAt ${JSON.stringify(reading.observedAt)} is not an ISO-8601 time` };
  }
  const tolerance = limits.futureToleranceSeconds ?? DEFAULT_FUTURE_TOLERANCE_SECONDS;
  const aheadSeconds = (observed - now.getTime()) / 1000;
  if (aheadSeconds > tolerance) {
    return {
      kind: 'future',
      message: `observedAt ${reading.observedAt} is ${Math.round(aheadSeconds)} s in the future (tolerance ${tolerance} s)`,
    };
  }
  if (reading.provider === 'static') return undefined;
  const maxAge = limits.maxAgeSeconds ?? DEFAULT_MAX_DATA_AGE_SECONDS;
  const age = ageSeconds(reading, now);
  if (age > maxAge) {
    return { kind: 'stale', message: `reading is ${Math.round(age)} s old, older than the ${maxAge} s limit` };
  }
  return undefined;
}
