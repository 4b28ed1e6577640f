import { describe, expect, it } from 'vitest';
import { rightsizeMode } from '../../../lambdas/core/rightsizing/mode';
import { normaliseScheduleName, runningProfile } from '../../../lambdas/core/rightsizing/schedule-profile';

describe('Module: mode', () => {
  describe('Function: rightsizeMode', () => {
    it.each([
      [{ Schedule: 'office-hours' }, 'recommend', 'recommend'],
      [{ Schedule: 'office-hours' }, 'auto', 'auto'],
      [{ Schedule: 'office-hours', Rightsize: 'off' }, 'recommend', 'off'],
      [{ Schedule: 'office-hours', Rightsize: ' AUTO ' }, 'recommend', 'auto'],
      [{ Rightsize: 'recommend' }, 'off', 'recommend'],
      [{ Name: 'web' }, 'recommend', 'off'],
    ] as const)('tags %j with default %s → %s', (tags, defaultMode, expected) => {
      // Act / Assess
      expect(rightsizeMode(tags, defaultMode)).toEqual({ mode: expected });
    });

    it('never throws on a bad value: off with the reason', () => {
      // Act
      const result = rightsizeMode({ Schedule: 'office-hours', Rightsize: 'yes please' }, 'recommend');

      // Assess
      expect(result.mode).toBe('off');
      expect(result.error).toBe('tag Rightsize="yes please" is not valid; allowed: "recommend", "auto", "off"');
    });
  });
});

describe('Module: schedule-profile', () => {
  describe('Function: normaliseScheduleName', () => {
    it.each([
      ['Office Hours + Weekend Shutdown', 'office-hours'],
      ['24/7 Always Running', 'always-on'],
      ['Extended Development Hours', 'extended-dev'],
      ['Carbon-Aware 24/7', 'carbon-aware'],
      ['My_Custom schedule', 'my-custom-schedule'],
    ])('%s → %s', (name, expected) => {
      // Act / Assess
      expect(normaliseScheduleName(name)).toBe(expected);
    });
  });

  describe('Function: runningProfile', () => {
    it.each([
      // 50 h/week × 730/168 = 217.26; 75 h/week × 730/168 = 325.89
      ['office-hours', 217.26, 5],
      ['extended-dev', 325.89, 5],
      ['always-on', 730, 7],
      ['nightly-batch', 730, 7],
    ])('%s runs %d h a month on %d weekdays', (schedule, hours, days) => {
      // Act
      const profile = runningProfile(schedule);

      // Assess
      expect(profile.monthlyHours).toBeCloseTo(hours, 2);
      expect(profile.weekdays).toHaveLength(days);
    });

    it('assumes 730 h every day without a Schedule tag', () => {
      // Act / Assess
      expect(runningProfile(undefined)).toMatchObject({
        schedule: undefined,
        monthlyHours: 730,
        basis: 'assumed-always',
      });
    });
  });
});
