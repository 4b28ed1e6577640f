import type { ProviderFailureKind } from './provider';
import type { CarbonReading, ProviderName, SourcedReading } from './reading';
import { staticReading } from './static-reading';
import { type ReadingLimits, readingProblem } from './validate-reading';

/** One step of the live part of the chain: what a provider gave for the region's zone, or why it gave nothing. */
export interface LiveAttempt {
  readonly provider: ProviderName;
  /** The provider's zone for the region; null when the provider does not cover the region. */
  readonly zone: string | null;
  /** The reading, when the call succeeded (it is checked again against the limits). */
  readonly reading?: CarbonReading;
  /** Why there is no usable reading, one line (e.g. `HTTP 429 Too Many Requests after 3 attempts`). */
  readonly reason?: string;
  readonly failureKind?: ProviderFailureKind;
}

/** Everything the fallback chooser needs for one region. */
export interface FallbackInput {
  readonly region: string;
  readonly now: Date;
  /** Live attempts in provider priority order; the first usable reading wins. */
  readonly attempts: readonly LiveAttempt[];
  /** The last good reading from the cache, if any. */
  readonly cached?: CarbonReading;
  /**
   * The zone a cached reading of `provider` must be for; undefined accepts any zone. Lets a changed
   * `carbon.zoneOverrides` discard readings of the old zone.
   */
  readonly expectedZone?: (provider: ProviderName) => string | null | undefined;
  /** Limits for live and cached readings (maximum age, future tolerance). */
  readonly limits?: ReadingLimits;
  /** Extra context reported when the chain ends past live data (e.g. `watttime: no credentials`). */
  readonly notes?: readonly string[];
  /** config `carbon.zoneOverrides`, for the zone named by the static reading. */
  readonly zoneOverrides?: Readonly<Record<string, string>>;
}

function describeAttempt(attempt: LiveAttempt, reason: string): string {
  return attempt.zone ? `${attempt.provider} ${attempt.zone}: ${reason}` : `${attempt.provider}: ${reason}`;
}

/**
 * The fallback chain of docs/carbon.md for one region, as a pure function: the first usable live reading, else
 * the last good cached reading (if it is for the expected zone and not older than the maximum age), else the
 * static annual factor. Missing data is never 0 g: every outcome carries a real value and where it came from.
 *
 * `fallbackReason` lists, in order, why each better source was not used: failed live attempts as
 * `provider zone: reason`, then `notes`, then the cache problem (`no cached reading`, `cached ... is 9000 s old`).
 * A live reading from the first provider, or a cached reading when no live attempt was made, has none.
 *
 * @throws {UnknownRegionError} when the chain reaches the static factor of a region not in the region table
 */
export function chooseReading(input: FallbackInput): SourcedReading {
  const reasons: string[] = [];
  for (const attempt of input.attempts) {
    if (attempt.reading) {
      const problem = readingProblem(attempt.reading, input.now, input.limits);
      if (!problem) {
        return {
          reading: attempt.reading,
          origin: 'live',
          ...(reasons.length > 0 ? { fallbackReason: reasons.join('; ') } : {}),
        };
      }
      reasons.push(describeAttempt(attempt, problem.message));
    } else {
      reasons.push(describeAttempt(attempt, attempt.reason ?? 'no reading'));
    }
  }
  reasons.push(...(input.notes ?? []));

  const cached = input.cached;
  let cacheProblem: string;
  if (!cached || cached.provider === 'static') {
    cacheProblem = 'no cached reading';
  } else {
    const expected = input.expectedZone?.(cached.provider);
    const problem = readingProblem(cached, input.now, input.limits);
    if (expected !== undefined && expected !== cached.zone) {
      cacheProblem = `cached ${cached.provider} reading is for zone ${cached.zone}, the region now maps to ${expected ?? 'no zone'}`;
    } else if (problem) {
      cacheProblem = `cached ${cached.provider} reading: ${problem.message}`;
    } else {
      return {
        reading: cached,
        origin: 'cached',
        ...(reasons.length > 0 ? { fallbackReason: reasons.join('; ') } : {}),
      };
    }
  }
  reasons.push(cacheProblem);
  return {
    reading: staticReading(input.region, input.now, input.zoneOverrides),
    origin: 'static',
    fallbackReason: reasons.join('; '),
  };
}
