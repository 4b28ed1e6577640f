import { describe, expect, it } from 'vitest';
import { runningProfile } from '../../../lambdas/core/rightsizing/running-hours';
import { ScheduleRegistry } from '../../../lambdas/core/schedule';

// A Wednesday: the walk covers Wed 00:00 … the next Wed 00:00 (one of every weekday).
const FROM = new Date('2026-03-04T00:00:00Z');

const registry = ScheduleRegistry.fromConfig(
  [
    // Mon–Fri 22:00–06:00 across midnight: 5 nights × 8 h = 40 h a week
    { name: 'nightly-batch', periods: [{ name: 'night', begintime: '22:00', endtime: '06:00', weekdays: 'mon-fri' }] },
    // Sat and Sun 09:00–13:00: 2 × 4 h = 8 h a week
    { name: 'weekend-demo', periods: [{ begintime: '09:00', endtime: '13:00', weekdays: 'sat-sun' }] },
    // Mon–Fri 08:00–18:00 in New York, whatever the default time zone: 50 h a week
    {
      name: 'ny-office',
      timezone: 'America/New_York',
      periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
    },
  ],
  'UTC',
);

describe('Module: running-hours', () => {
  describe('Function: runningProfile', () => {
    it.each([
      // hours a week × 730 / 168
      ['office-hours', 50, 217.26, [0, 1, 2, 3, 4]], // Mon–Fri 08:00–18:00 = 5 × 10 h
      ['Office Hours + Weekend Shutdown', 50, 217.26, [0, 1, 2, 3, 4]], // the display name of the same built-in
      ['extended-dev', 75, 325.89, [0, 1, 2, 3, 4]], // Mon–Fri 07:00–22:00 = 5 × 15 h
      ['always-on', 168, 730, [0, 1, 2, 3, 4, 5, 6]],
      ['nightly-batch', 40, 173.81, [0, 1, 2, 3, 4, 5]], // Friday's night ends on Saturday 06:00
      ['weekend-demo', 8, 34.76, [5, 6]],
      ['ny-office', 50, 217.26, [0, 1, 2, 3, 4]],
    ])('%s: %d h a week → %d h a month', (tag, weekly, monthly, weekdays) => {
      const profile = runningProfile(registry, tag, FROM);

      expect(profile.basis).toBe('schedule');
      expect(profile.monthlyHours).toBeCloseTo((weekly * 730) / 168, 6);
      expect(profile.monthlyHours).toBeCloseTo(monthly, 2);
      expect(profile.weekdays).toEqual(weekdays);
    });

    it('an unknown schedule or no Schedule tag: 730 h every day, an upper bound', () => {
      expect(runningProfile(registry, 'tea-time', FROM)).toEqual({
        schedule: 'tea-time',
        weekdays: [0, 1, 2, 3, 4, 5, 6],
        monthlyHours: 730,
        basis: 'assumed-always',
      });
      expect(runningProfile(registry, undefined, FROM)).toMatchObject({ schedule: undefined, monthlyHours: 730 });
    });
  });
});
