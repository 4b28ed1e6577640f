import { ageSeconds } from '../carbon/freshness';
import type { ReadingOrigin, Signal, SourcedReading } from '../carbon/reading';
import { formatGCO2ePerKWh } from './carbon-policy';

/**
 * The carbon reading a decision is based on, independent of its source: the fallback chain (live, cached, static)
 * in the Lambda and the CLI, or a historical trace (`plan --carbon trace:FILE`).
 */
export interface CarbonInput {
  readonly region: string;
  readonly zone?: string;
  readonly gCO2ePerKWh: number;
  /** `electricitymaps`, `watttime`, `uk-carbon-intensity`, `static` or `trace`. */
  readonly provider: string;
  readonly signal: Signal;
  /** ISO-8601 time the value is valid for. */
  readonly observedAt: string;
  /** Where it came from: `trace` values are treated like live data at the trace's time. */
  readonly origin: ReadingOrigin | 'trace';
  readonly isEstimated?: boolean;
  /** Why the chain fell back past live data, if it did. */
  readonly fallbackReason?: string;
}

/** The carbon part of a decision (the plan's `carbon`, docs/scheduler.md), plus its origin and signal. */
export interface DecisionCarbon {
  readonly gCO2ePerKWh: number;
  readonly provider: string;
  /** Whole seconds between `observedAt` and the run's `now` (0 for static factors). */
  readonly ageSeconds: number;
  readonly origin: CarbonInput['origin'];
  readonly signal: Signal;
}

/** A {@link CarbonInput} from the carbon lookup's sourced reading. */
export function carbonInputFromSourced(sourced: SourcedReading): CarbonInput {
  const r = sourced.reading;
  return {
    region: r.region,
    zone: r.zone,
    gCO2ePerKWh: r.gCO2ePerKWh,
    provider: r.provider,
    signal: r.signal,
    observedAt: r.observedAt,
    origin: sourced.origin,
    isEstimated: r.isEstimated,
    ...(sourced.fallbackReason ? { fallbackReason: sourced.fallbackReason } : {}),
  };
}

/** The decision's carbon summary at `now`. */
export function decisionCarbon(input: CarbonInput, now: Date): DecisionCarbon {
  const age = input.origin === 'static' ? 0 : ageSeconds(input, now);
  return {
    gCO2ePerKWh: Math.round(input.gCO2ePerKWh * 10) / 10,
    provider: input.provider,
    ageSeconds: Number.isFinite(age) ? Math.round(age) : 0,
    origin: input.origin,
    signal: input.signal,
  };
}

/** `4 min old`, `2 h 5 min old`, `just now`. */
export function ageText(seconds: number): string {
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min old`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h old` : `${hours} h ${rest} min old`;
}

/**
 * How reasons name a reading: `312 gCO2e/kWh (electricitymaps, cached, 4 min old)`,
 * `380 gCO2e/kWh (static annual average)`, `208 gCO2e/kWh (trace, 2023-01-09T08:00Z)`.
 */
export function describeCarbon(input: CarbonInput, now: Date): string {
  const g = `${formatGCO2ePerKWh(input.gCO2ePerKWh)} gCO2e/kWh`;
  if (input.origin === 'static') return `${g} (static annual average)`;
  if (input.origin === 'trace') return `${g} (trace${input.zone ? ` zone ${input.zone}` : ''})`;
  const signal = input.signal === 'marginal' ? ', marginal' : '';
  return `${g} (${input.provider}${signal}, ${input.origin}, ${ageText(decisionCarbon(input, now).ageSeconds)})`;
}
