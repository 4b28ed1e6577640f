import type { TraceSeries } from '../trace';
import { gaussian, mulberry32 } from './random';
import { lastIndexAtOrBefore, seriesMean } from './series';

/**
 * What a backtested policy may know of the future (`--forecast`, docs/backtest.md). A policy deciding at time `t`
 * with data `lag` old knows the actual trace up to the cutoff `t − lag`; every later point is the forecast's:
 * - `perfect` — the trace itself (the oracle's knowledge);
 * - `persistence` — the value 24 h earlier (the value `k × 24 h` earlier with the smallest `k` that lies at or
 *   before the cutoff, when the forecast reaches more than a day ahead);
 * - `noise:PCT` — the trace plus Gaussian noise of standard deviation PCT% of the trace's mean (per zone), one
 *   draw per point, clamped at 0 g (Wiesner et al., "Let's Wait Awhile: How Temporal Workload Shifting Can Reduce
 *   Carbon Emissions in the Cloud", Middleware 2021, section 6: forecast errors modelled as Gaussian noise with a
 *   standard deviation relative to the mean carbon intensity);
 * - `latest` — no forecast: the last value at or before the cutoff holds (what the dispatcher does when it ranks
 *   regions by their newest reading).
 */
export type ForecastSpec =
  | { readonly kind: 'perfect' }
  | { readonly kind: 'persistence' }
  | { readonly kind: 'noise'; readonly percent: number }
  | { readonly kind: 'latest' };

/** A `--forecast` value that is none of the allowed ones. */
export class InvalidForecastError extends RangeError {
  constructor(readonly text: string) {
    super(
      `--forecast ${JSON.stringify(text)} is not allowed; expected "perfect", "persistence", "latest" or ` +
        '"noise:PCT" with PCT a number of percent from 0 to 100 (e.g. "noise:5")',
    );
    this.name = 'InvalidForecastError';
  }
}

/** 24 hours in ms: the horizon of the persistence forecast. */
export const PERSISTENCE_HORIZON_MS = 24 * 3_600_000;

/**
 * Parse a `--forecast` value: `perfect`, `persistence`, `latest` or `noise:PCT` (0 ≤ PCT ≤ 100, decimals allowed).
 * @throws {InvalidForecastError}
 */
export function parseForecastSpec(text: string): ForecastSpec {
  const value = text.trim().toLowerCase();
  if (value === 'perfect' || value === 'persistence' || value === 'latest') return { kind: value };
  const match = /^noise:(\d+(?:\.\d+)?)%?$/.exec(value);
  if (match) {
    const percent = Number(match[1]);
    if (percent <= 100) return { kind: 'noise', percent };
  }
  throw new InvalidForecastError(text);
}

/** The spec as written on the command line: `perfect`, `persistence`, `latest`, `noise:5`. */
export function formatForecastSpec(spec: ForecastSpec): string {
  return spec.kind === 'noise' ? `noise:${spec.percent}` : spec.kind;
}

/**
 * One zone's trace as a policy sees it: the actual values up to a cutoff, the forecast after it.
 * Build with {@link forecastViews} (one seeded noise stream for all zones).
 */
export class ForecastView {
  /** Length of one point's interval, ms. */
  private readonly stepMs: number;

  /**
   * @param actual the zone's actual trace
   * @param noise for `noise:PCT`, the noise of each point, gCO2e/kWh (same length as the trace)
   */
  constructor(
    readonly actual: TraceSeries,
    readonly spec: ForecastSpec,
    private readonly noise?: Float64Array,
  ) {
    this.stepMs = Number.isFinite(actual.stepMs) ? actual.stepMs : 3_600_000;
    if (spec.kind === 'noise' && (noise === undefined || noise.length !== actual.length)) {
      throw new RangeError('ForecastView: a noise forecast needs one noise value per trace point');
    }
  }

  /**
   * What the policy believes the intensity of point `index` is, knowing the actual trace up to `cutoffMs`.
   * @returns gCO2e/kWh, or undefined when the policy knows nothing of that point (e.g. persistence on the first
   * day of a trace)
   */
  valueAt(index: number, cutoffMs: number): number | undefined {
    const actual = this.actual;
    const at = actual.times[index]!;
    const step = this.stepMs;
    if (at + step <= cutoffMs) return actual.values[index];
    switch (this.spec.kind) {
      case 'perfect':
        return actual.values[index];
      case 'noise':
        return Math.max(0, actual.values[index]! + this.noise![index]!);
      case 'persistence': {
        const days = Math.max(1, Math.ceil((at + step - cutoffMs) / PERSISTENCE_HORIZON_MS));
        return actual.valueAt(at - days * PERSISTENCE_HORIZON_MS);
      }
      case 'latest': {
        const last = lastIndexAtOrBefore(actual, cutoffMs - step);
        return last < 0 ? undefined : actual.values[last];
      }
    }
  }
}

/**
 * Views of several zones under one forecast. For `noise:PCT` the noise is drawn from one {@link mulberry32}
 * stream seeded with `seed`, zone by zone in alphabetical order of zone id and point by point in time order, with
 * standard deviation `PCT / 100 × mean(zone's trace)`; the same seed and traces give the same forecast.
 * @param seed integer seed of the noise (ignored by the other forecasts)
 */
export function forecastViews(series: readonly TraceSeries[], spec: ForecastSpec, seed: number): ForecastView[] {
  if (spec.kind !== 'noise') return series.map((s) => new ForecastView(s, spec));
  const normal = gaussian(mulberry32(seed));
  const noiseByZone = new Map<TraceSeries, Float64Array>();
  for (const s of [...series].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0))) {
    const sd = (spec.percent / 100) * seriesMean(s);
    const noise = new Float64Array(s.length);
    for (let i = 0; i < s.length; i += 1) noise[i] = sd * normal();
    noiseByZone.set(s, noise);
  }
  return series.map((s) => new ForecastView(s, spec, noiseByZone.get(s)));
}
