import { desiredState, nextTransition } from '../schedule';
import type { Schedule } from '../schedule/types';

/** What a schedule wants at the run's `now` (the schedule module's `desiredState` result). */
export type ScheduleDesire = ReturnType<typeof desiredState>;

/**
 * Schedule evaluation at one fixed `now`, memoised per schedule: thousands of instances share a few schedules, so a
 * run evaluates each schedule once.
 */
export interface ScheduleEvaluator {
  readonly now: Date;
  /** `desiredState(schedule, now)`. */
  desired(schedule: Schedule): ScheduleDesire;
  /**
   * When the current running period began, if that was within the last `windowMinutes` (a transition to `running`
   * in `(now − window, now]`); undefined when the period began earlier or the schedule is not running.
   */
  periodStart(schedule: Schedule, windowMinutes: number): Date | undefined;
}

function toDate(at: unknown): Date | undefined {
  if (at instanceof Date) return at;
  if (typeof at === 'string' || typeof at === 'number') {
    const date = new Date(at);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** Create an evaluator for `now`. */
export function scheduleEvaluator(now: Date): ScheduleEvaluator {
  const desires = new Map<Schedule, ScheduleDesire>();
  const starts = new Map<string, Date | undefined>();
  let ids = 0;
  const idOf = new Map<Schedule, number>();
  return {
    now,
    desired(schedule) {
      let desire = desires.get(schedule);
      if (desire === undefined) {
        desire = desiredState(schedule, now);
        desires.set(schedule, desire);
      }
      return desire;
    },
    periodStart(schedule, windowMinutes) {
      let id = idOf.get(schedule);
      if (id === undefined) {
        id = ids++;
        idOf.set(schedule, id);
      }
      const key = `${id}|${windowMinutes}`;
      if (starts.has(key)) return starts.get(key);
      const nowMs = now.getTime();
      let cursor = new Date(nowMs - windowMinutes * 60_000);
      let start: Date | undefined;
      // Walk the transitions inside the window; the last one to `running` is the current period's start.
      for (let guard = 0; guard < 1000; guard += 1) {
        const transition = nextTransition(schedule, cursor);
        const at = toDate(transition?.at);
        if (transition === null || transition === undefined || at === undefined || at.getTime() > nowMs) break;
        start = transition.state === 'running' ? at : undefined;
        cursor = at.getTime() > cursor.getTime() ? at : new Date(cursor.getTime() + 60_000);
      }
      starts.set(key, start);
      return start;
    },
  };
}
