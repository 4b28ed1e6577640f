import { describe, expect, it } from 'vitest';
import { desiredState } from '../../../lambdas/core/schedule/evaluate';
import { ScheduleDefinitionError } from '../../../lambdas/core/schedule/parse';
import { normalizeScheduleName, ScheduleRegistry } from '../../../lambdas/core/schedule/registry';

const resolved = (registry: ScheduleRegistry, tag: string) => {
  const result = registry.resolve(tag);
  if (!result.ok) throw new Error(result.reason);
  return result.schedule;
};

describe('Module: schedule registry', () => {
  describe('Function: normalizeScheduleName', () => {
    it.each([
      ['office-hours', 'office-hours'],
      ['Office Hours', 'office-hours'],
      ['OFFICE_HOURS', 'office-hours'],
      ['  office   hours ', 'office-hours'],
      ['office - hours', 'office-hours'],
      ['Office Hours + Weekend Shutdown', 'office-hours-+-weekend-shutdown'],
      ['24/7 Always Running', '24/7-always-running'],
    ])('normalises "%s" to "%s"', (name, expected) => {
      // Act
      const normalized = normalizeScheduleName(name);

      // Assess
      expect(normalized).toBe(expected);
    });
  });

  describe('Function: ScheduleRegistry.fromConfig', () => {
    it('holds the four built-ins in the default time zone', () => {
      // Act
      const registry = ScheduleRegistry.fromConfig([], 'Europe/Berlin');

      // Assess
      expect(registry.names()).toEqual(['office-hours', 'extended-dev', 'always-on', 'carbon-aware']);
      expect(resolved(registry, 'office-hours').timezone).toBe('Europe/Berlin');
      expect(resolved(registry, 'office-hours').builtIn).toBe(true);
    });

    it.each([
      ['office-hours', '2026-03-02T07:59:59Z', 'stopped'],
      ['office-hours', '2026-03-02T08:00:00Z', 'running'],
      ['office-hours', '2026-03-06T17:59:59Z', 'running'],
      ['office-hours', '2026-03-06T18:00:00Z', 'stopped'],
      ['office-hours', '2026-03-07T12:00:00Z', 'stopped'],
      ['extended-dev', '2026-03-02T06:59:59Z', 'stopped'],
      ['extended-dev', '2026-03-02T07:00:00Z', 'running'],
      ['extended-dev', '2026-03-02T21:59:59Z', 'running'],
      ['extended-dev', '2026-03-02T22:00:00Z', 'stopped'],
      ['extended-dev', '2026-03-08T12:00:00Z', 'stopped'],
      ['always-on', '2026-03-07T03:00:00Z', 'running'],
      ['carbon-aware', '2026-03-08T23:59:59Z', 'running'],
    ])('built-in %s (UTC) at %s is %s', (name, at, expected) => {
      // Prepare
      const registry = ScheduleRegistry.fromConfig([], 'UTC');

      // Act
      const state = desiredState(resolved(registry, name), new Date(at)).state;

      // Assess
      expect(state).toBe(expected);
    });

    it('gives the built-ins their carbon policies', () => {
      // Act
      const registry = ScheduleRegistry.fromConfig([], 'UTC');

      // Assess
      expect(resolved(registry, 'carbon-aware').carbonPolicy).toBe('pause-when-dirty');
      expect(resolved(registry, 'always-on').carbonPolicy).toBe('none');
      expect(resolved(registry, 'office-hours').carbonPolicy).toBe('none');
    });

    it('adds user schedules in their own or the default time zone', () => {
      // Act
      const registry = ScheduleRegistry.fromConfig(
        [
          { name: 'Lab Nights', periods: [{ begintime: '22:00', endtime: '06:00' }] },
          { name: 'sydney', timezone: 'Australia/Sydney', periods: [{}] },
        ],
        'Europe/Berlin',
      );

      // Assess
      expect(registry.names()).toEqual([
        'office-hours',
        'extended-dev',
        'always-on',
        'carbon-aware',
        'Lab Nights',
        'sydney',
      ]);
      expect(resolved(registry, 'lab_nights').timezone).toBe('Europe/Berlin');
      expect(resolved(registry, 'SYDNEY').timezone).toBe('Australia/Sydney');
    });

    it('lets a user schedule replace a built-in of the same name, aliases included', () => {
      // Act
      const registry = ScheduleRegistry.fromConfig(
        [{ name: 'Office_Hours', periods: [{ begintime: '09:00', endtime: '17:00', weekdays: 'mon-fri' }] }],
        'UTC',
      );

      // Assess
      expect(registry.names()).toHaveLength(4);
      expect(resolved(registry, 'office-hours').periods[0]?.begintime).toBe('09:00');
      expect(resolved(registry, 'Office Hours + Weekend Shutdown').periods[0]?.begintime).toBe('09:00');
    });

    it('throws a ScheduleDefinitionError naming every invalid definition and duplicate', () => {
      // Act
      let caught: unknown;
      try {
        ScheduleRegistry.fromConfig(
          [
            { name: 'lab', periods: [{ weekdays: 'funday' }] },
            { name: 'night', periods: [{}] },
            { name: 'Night', periods: [{}] },
          ],
          'UTC',
        );
      } catch (error) {
        caught = error;
      }

      // Assess
      expect(caught).toBeInstanceOf(ScheduleDefinitionError);
      const errors = (caught as ScheduleDefinitionError).errors;
      expect(errors).toHaveLength(2);
      expect(errors[0]).toContain('schedules[0]: schedule "lab", period 1, weekdays "funday"');
      expect(errors[1]).toContain('schedules[2]: schedule "Night" has the same name as "night"');
    });
  });

  describe('Function: ScheduleRegistry.resolve', () => {
    it.each([
      ['Office Hours + Weekend Shutdown', 'office-hours'],
      ['Carbon-Aware 24/7', 'carbon-aware'],
      ['24/7 Always Running', 'always-on'],
      ['Extended Development Hours', 'extended-dev'],
      ['extended development hours', 'extended-dev'],
      ['Office Hours', 'office-hours'],
      ['  CARBON_AWARE ', 'carbon-aware'],
    ])('resolves the tag "%s" to %s', (tag, expected) => {
      // Prepare
      const registry = ScheduleRegistry.fromConfig([], 'UTC');

      // Act
      const schedule = resolved(registry, tag);

      // Assess
      expect(schedule.name).toBe(expected);
    });

    it.each([
      [
        'night-owl',
        'unknown schedule "night-owl"; known schedules: office-hours, extended-dev, always-on, carbon-aware',
      ],
      ['', 'Schedule tag is empty'],
      ['   ', 'Schedule tag is empty'],
    ])('rejects the tag "%s" with a reason and never throws', (tag, reason) => {
      // Prepare
      const registry = ScheduleRegistry.fromConfig([], 'UTC');

      // Act
      const result = registry.resolve(tag);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.reason).toContain(reason);
    });

    it('lists at most 12 known names in the reason', () => {
      // Prepare
      const definitions = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, periods: [{}] }));
      const registry = ScheduleRegistry.fromConfig(definitions, 'UTC');

      // Act
      const result = registry.resolve('missing');

      // Assess
      expect(result.ok ? '' : result.reason).toMatch(/and 12 more$/);
    });
  });
});
