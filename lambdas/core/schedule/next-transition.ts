import { desiredStateAt } from './evaluate';
import type { DesiredState, Schedule } from './types';
import { localTime, MS_PER_DAY, offsetChangeNear, wallToInstant } from './zone-time';

/** How far {@link nextTransition} looks ahead, days. */
export const NEXT_TRANSITION_HORIZON_DAYS = 366;

/** Days of candidates gathered per step of the search. */
const CHUNK_DAYS = 16;
/** Candidates of later days are never earlier than their date's midnight (as UTC wall time) minus this. */
const EARLIEST_CANDIDATE_BEFORE_MIDNIGHT_MS = 15 * 3_600_000;

/**
 * Instants at which the state of a schedule can change on local date `epochDay`: the date's start (days apply or
 * not per date), every period's begin and end, and a UTC-offset change near the date.
 */
function candidatesOf(schedule: Schedule, epochDay: number, into: number[]): void {
  const zone = schedule.timezone;
  into.push(wallToInstant(zone, epochDay, 0));
  for (const period of schedule.periods) {
    if (period.beginSeconds !== undefined) into.push(wallToInstant(zone, epochDay, period.beginSeconds));
    if (period.endSeconds !== undefined) into.push(wallToInstant(zone, epochDay, period.endSeconds));
  }
  const change = offsetChangeNear(zone, epochDay);
  if (change !== undefined) into.push(change);
}

/**
 * The next instant strictly after `after` at which the desired state of `schedule` changes, and the new state.
 * Agrees with `desiredState`: the state at `at` is `state`, and one second before `at` it is the state at `after`.
 * Searches at most {@link NEXT_TRANSITION_HORIZON_DAYS} days; returns null when the state never changes in that
 * time (e.g. `always-on`, `overrideStatus`).
 *
 * @throws {RangeError} when `after` is an invalid Date
 */
export function nextTransition(schedule: Schedule, after: Date): { at: Date; state: DesiredState } | null {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('nextTransition: "after" is an invalid Date');
  if (schedule.overrideStatus) return null;
  const current = desiredStateAt(schedule, afterMs).state;
  const limitMs = afterMs + NEXT_TRANSITION_HORIZON_DAYS * MS_PER_DAY;
  // The previous date may still hold a candidate after `after` (e.g. its offset change).
  let day = localTime(schedule.timezone, afterMs).epochDay - 1;
  let carried: number[] = [];
  let lastChecked = afterMs;
  while (true) {
    const candidates = carried;
    for (let d = day; d < day + CHUNK_DAYS; d++) candidatesOf(schedule, d, candidates);
    day += CHUNK_DAYS;
    candidates.sort((a, b) => a - b);
    // Candidates from later chunks cannot be earlier than this; later ones wait for the next chunk.
    const settledBefore = day * MS_PER_DAY - EARLIEST_CANDIDATE_BEFORE_MIDNIGHT_MS;
    carried = [];
    for (const candidate of candidates) {
      if (candidate >= settledBefore) {
        carried.push(candidate);
        continue;
      }
      if (candidate <= lastChecked) continue;
      if (candidate > limitMs) return null;
      lastChecked = candidate;
      const state = desiredStateAt(schedule, candidate).state;
      if (state !== current) return { at: new Date(candidate), state };
    }
    if (settledBefore > limitMs) return null;
  }
}
