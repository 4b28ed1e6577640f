import * as z from 'zod';
import { consoleEventFields } from './events';

/**
 * The time rule of the functions EventBridge triggers on a schedule (scheduler, carbon fetcher, rightsizer;
 * docs/run-safety.md, "Time"): a real run acts at the clock, never at a time from its event. The scheduled event's
 * `time` only tells how old the delivery is: one more than one interval away from the clock is stale (a retry, a
 * replay, an event pasted into the console, a forged time) and is skipped.
 */

/** How old a scheduled delivery is, and what follows. */
export interface DeliveryAge {
  /** The event's `time`, ISO-8601. */
  readonly eventTime: string;
  /** Clock minus event time, seconds (negative for an event time in the future). */
  readonly ageSeconds: number;
  /**
   * More than one interval away from the clock: older (a retry, a replay, a paste into the console) or ahead (a
   * forged or mis-set event; EventBridge never sends a time ahead of the clock by more than seconds). Skip it.
   */
  readonly stale: boolean;
  /** The event time is more than one interval ahead of the clock. */
  readonly future: boolean;
}

/**
 * The age of a scheduled delivery with `eventTime` at clock time `now`, for a trigger every `intervalMinutes`.
 * @throws {RangeError} when `eventTime` is not a valid time
 */
export function deliveryAge(eventTime: string, now: Date, intervalMinutes: number): DeliveryAge {
  const eventMs = new Date(eventTime).getTime();
  if (Number.isNaN(eventMs)) throw new RangeError(`deliveryAge: time "${eventTime}" is not a valid ISO-8601 time`);
  const ageMs = now.getTime() - eventMs;
  const intervalMs = intervalMinutes * 60_000;
  return {
    eventTime: new Date(eventMs).toISOString(),
    ageSeconds: Math.round(ageMs / 1000),
    stale: Math.abs(ageMs) > intervalMs,
    future: -ageMs > intervalMs,
  };
}

/**
 * The console event of a function that acts on resources (the scheduler): `{"dryRun": true}` (with `at` to plan as of
 * another time), or a real run asked for explicitly with `{"dryRun": false, "confirmRealRun": true}`. An event that
 * says neither is refused, so a console test event can never act by accident.
 */
export const confirmedConsoleEventSchema = z
  .object({
    ...consoleEventFields,
    confirmRealRun: z.literal(true, { error: 'confirmRealRun must be true when given' }).optional(),
  })
  .strict()
  .refine((event) => event.dryRun === true || event.confirmRealRun === true, {
    error:
      'a console event must be a dry run ({"dryRun": true}); a real run from the console needs {"dryRun": false, "confirmRealRun": true}',
    path: ['dryRun'],
  });
