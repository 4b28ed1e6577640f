import type { CarbonForecast } from '../carbon/reading';
import { bestStartSlot } from './best-start-slot';

/**
 * Time shifting: should a job wait for a cleaner slot? A job opts in with a `deadline` (it must have finished by
 * then) and/or `maxDeferMinutes`; the start may move within [now, min(now + maxDefer, deadline − duration)].
 */

/** A deferral is scheduled at least this long after now, seconds; a nearer slot just runs now. */
export const MIN_DEFER_LEAD_SECONDS = 60;

/** What the deferral choice needs. */
export interface DeferralInput {
  /** Forecast per candidate region, in ranking order (cleanest now first); undefined when none is available. */
  readonly forecasts: ReadonlyArray<{ readonly region: string; readonly forecast: CarbonForecast | undefined }>;
  /** The intensity the job gets if dispatched now: the cleanest region's current reading, gCO2e/kWh. */
  readonly baseline: { readonly region: string; readonly gCO2ePerKWh: number };
  readonly now: Date;
  /** When the job must have finished, if the request gave one. */
  readonly deadline?: Date;
  /** Longest delay of the start, minutes (request value or `dispatch.defaultMaxDeferMinutes`). */
  readonly maxDeferMinutes: number;
  /** True when the request asked for time shifting (gave `deadline` or `maxDeferMinutes`). */
  readonly requested: boolean;
  /** True when deferring is forbidden (`noDefer`, or a re-submission by a deferral schedule). */
  readonly noDefer?: boolean;
  /** Why deferral is unavailable (e.g. not configured); when set, the job runs now and the note says why. */
  readonly unavailableReason?: string;
  readonly durationMinutes: number;
  /** Minimum improvement against the baseline, percent. */
  readonly minImprovementPercent: number;
}

/** The best future slot found, deferred or not. */
export interface DeferralSlot {
  readonly region: string;
  readonly start: string;
  readonly end: string;
  readonly meanGCO2ePerKWh: number;
  /** (baseline − mean) ÷ baseline × 100. */
  readonly improvementPercent: number;
}

/** The outcome: defer (with the slot) or run now, with a note saying why either way. */
export type DeferralChoice =
  | {
      readonly defer: true;
      readonly slot: DeferralSlot;
      readonly baselineGCO2ePerKWh: number;
      /** Latest start the window allowed, ISO-8601. */
      readonly latestStart: string;
      readonly note: string;
    }
  | { readonly defer: false; readonly slot?: DeferralSlot; readonly latestStart?: string; readonly note: string };

const MINUTE_MS = 60_000;
const round1 = (value: number) => Math.round(value * 10) / 10;
const isoMinute = (date: Date | string) => new Date(date).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');

/**
 * Decide whether to defer a job. The best slot is searched in every candidate region's forecast with
 * {@link bestStartSlot} (mean intensity over the job's duration); the lowest mean wins, ties going to the earlier
 * start, then to the region ranked cleaner now. The job is deferred only when that slot
 * - starts at least {@link MIN_DEFER_LEAD_SECONDS} after now (otherwise running now is as good), and
 * - is at least `minImprovementPercent` cleaner than the baseline (the reading it would run at now): smaller gains
 *   are within forecast error (Electricity Maps and WattTime forecasts are typically off by several percent a few
 *   hours ahead) and not worth the delay.
 * The region of the slot is only expected: the re-submitted job is ranked again when it runs.
 */
export function chooseDeferral(input: DeferralInput): DeferralChoice {
  if (input.noDefer) return { defer: false, note: 'not deferred: noDefer is set (re-submitted or asked to run now)' };
  if (!input.requested) return { defer: false, note: 'runs now: no deadline or maxDeferMinutes in the request' };
  if (input.unavailableReason) return { defer: false, note: `runs now: ${input.unavailableReason}` };

  const now = input.now.getTime();
  let latest = now + input.maxDeferMinutes * MINUTE_MS;
  if (input.deadline) latest = Math.min(latest, input.deadline.getTime() - input.durationMinutes * MINUTE_MS);
  if (latest < now) {
    return {
      defer: false,
      note: `runs now: deadline ${isoMinute(input.deadline!)} leaves no room to delay a ${input.durationMinutes}-minute job`,
    };
  }
  const latestStart = new Date(latest).toISOString();
  if (latest - now < MIN_DEFER_LEAD_SECONDS * 1000) {
    return { defer: false, latestStart, note: 'runs now: the deferral window is shorter than a minute' };
  }

  let best: DeferralSlot | undefined;
  const withoutForecast: string[] = [];
  for (const { region, forecast } of input.forecasts) {
    if (!forecast || forecast.points.length === 0) {
      withoutForecast.push(region);
      continue;
    }
    const slot = bestStartSlot(forecast.points, {
      earliest: input.now,
      latest: new Date(latest),
      durationMinutes: input.durationMinutes,
    });
    if (!slot) continue;
    const better =
      best === undefined ||
      slot.meanGCO2ePerKWh < best.meanGCO2ePerKWh - 1e-9 ||
      (Math.abs(slot.meanGCO2ePerKWh - best.meanGCO2ePerKWh) <= 1e-9 && slot.start.getTime() < Date.parse(best.start));
    if (better) {
      const baseline = input.baseline.gCO2ePerKWh;
      best = {
        region,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
        meanGCO2ePerKWh: slot.meanGCO2ePerKWh,
        improvementPercent: baseline > 0 ? ((baseline - slot.meanGCO2ePerKWh) / baseline) * 100 : 0,
      };
    }
  }

  if (!best) {
    const missing = withoutForecast.length > 0 ? `no forecast for ${withoutForecast.join(', ')}` : '';
    const uncovered = withoutForecast.length < input.forecasts.length ? 'forecasts do not cover the window' : '';
    return { defer: false, latestStart, note: `runs now: ${[missing, uncovered].filter(Boolean).join('; ')}` };
  }
  const baselineText = `${round1(input.baseline.gCO2ePerKWh)} g now in ${input.baseline.region}`;
  const slotText = `${best.region} from ${isoMinute(best.start)} (mean ${round1(best.meanGCO2ePerKWh)} g/kWh over ${input.durationMinutes} min)`;
  if (Date.parse(best.start) - now < MIN_DEFER_LEAD_SECONDS * 1000) {
    return { defer: false, slot: best, latestStart, note: `runs now: the cleanest forecast slot is now, ${slotText}` };
  }
  if (best.improvementPercent < input.minImprovementPercent) {
    return {
      defer: false,
      slot: best,
      latestStart,
      note:
        `runs now: best forecast slot ${slotText} is ${round1(best.improvementPercent)}% cleaner than ` +
        `${baselineText}; deferral needs at least ${input.minImprovementPercent}%`,
    };
  }
  return {
    defer: true,
    slot: best,
    baselineGCO2ePerKWh: input.baseline.gCO2ePerKWh,
    latestStart,
    note: `deferred: ${slotText} is forecast ${round1(best.improvementPercent)}% cleaner than ${baselineText}`,
  };
}
