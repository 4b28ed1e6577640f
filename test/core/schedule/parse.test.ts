import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../lambdas/core/config/resolve';
import { parseScheduleDefinition, ScheduleDefinitionError } from '../../../lambdas/core/schedule/parse';
import { validateScheduleDefinition } from '../../../lambdas/core/schedule/validate-hook';

const errorsOf = (input: unknown, defaultTimezone = 'UTC'): string[] => {
  const result = parseScheduleDefinition(input, defaultTimezone);
  return result.ok ? [] : result.errors;
};

describe('Module: schedule parse', () => {
  describe('Function: parseScheduleDefinition', () => {
    it('fills the defaults of docs/schedules.md', () => {
      // Act
      const result = parseScheduleDefinition({ name: 'lab', periods: [{ begintime: '08:00' }] }, 'Europe/Berlin');

      // Assess
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.schedule).toMatchObject({
        name: 'lab',
        timezone: 'Europe/Berlin',
        carbonPolicy: 'none',
        maxDeferMinutes: 240,
        enforced: false,
        retainRunning: false,
        stopNewInstances: true,
        hibernate: false,
        exceptions: [],
      });
      expect(result.schedule.overrideStatus).toBeUndefined();
      expect(result.schedule.useMaintenanceWindow).toBeUndefined();
      expect(result.schedule.periods[0]).toMatchObject({ label: 'period 1', begintime: '08:00', beginSeconds: 28_800 });
    });

    it('reads every field of a full definition', () => {
      // Act
      const result = parseScheduleDefinition(
        {
          name: 'nightly-batch',
          timezone: 'America/New_York',
          description: 'batch jobs',
          periods: [
            { name: 'night', begintime: '22:00', endtime: '06:00', weekdays: 'mon-thu', instanceType: 'c7g.xlarge' },
          ],
          carbonPolicy: 'defer-start',
          maxDeferMinutes: 120,
          enforced: true,
          retainRunning: true,
          stopNewInstances: false,
          hibernate: true,
          exceptions: ['2026-11-26', '2026-12-24/2026-12-26'],
        },
        'UTC',
      );

      // Assess
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const s = result.schedule;
      expect(s).toMatchObject({
        timezone: 'America/New_York',
        description: 'batch jobs',
        carbonPolicy: 'defer-start',
        maxDeferMinutes: 120,
        enforced: true,
        retainRunning: true,
        stopNewInstances: false,
        hibernate: true,
      });
      expect(s.exceptions).toEqual([
        { from: '2026-11-26', to: '2026-11-26', fromDay: 20261126, toDay: 20261126 },
        { from: '2026-12-24', to: '2026-12-26', fromDay: 20261224, toDay: 20261226 },
      ]);
      expect(s.periods[0]).toMatchObject({
        label: 'period 1 "night"',
        name: 'night',
        overnight: true,
        beginSeconds: 79_200,
        endSeconds: 21_600,
        instanceType: 'c7g.xlarge',
        text: { weekdays: 'mon-thu' },
      });
    });

    it('reads Instance Scheduler DynamoDB attribute names and CloudFormation property names as they are', () => {
      // Prepare: snake_case schedule attributes, a string set of weekdays, PascalCase period properties
      const definition = {
        Name: 'migrated',
        Timezone: 'Europe/London',
        retain_running: true,
        stop_new_instances: false,
        Enforced: 'true',
        use_maintenance_window: true,
        periods: [
          { begintime: '09:00', endtime: '17:00', weekdays: ['mon-wed', 'fri'] },
          { BeginTime: '10:00', EndTime: '12:00', WeekDays: 'sat', InstanceType: 't3.small' },
        ],
      };

      // Act
      const result = parseScheduleDefinition(definition, 'UTC');

      // Assess
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.schedule).toMatchObject({
        name: 'migrated',
        timezone: 'Europe/London',
        retainRunning: true,
        stopNewInstances: false,
        enforced: true,
        useMaintenanceWindow: true,
      });
      expect(result.schedule.periods[0]?.text.weekdays).toBe('mon-wed,fri');
      expect(result.schedule.periods[1]).toMatchObject({ beginSeconds: 36_000, instanceType: 't3.small' });
    });

    it('accepts a schedule with overrideStatus and no periods', () => {
      // Act
      const result = parseScheduleDefinition({ name: 'frozen', override_status: 'STOPPED' }, 'UTC');

      // Assess
      expect(result.ok).toBe(true);
      expect(result.ok && result.schedule.overrideStatus).toBe('stopped');
    });

    it.each([
      [
        { name: 'lab', periods: [{ name: 'night', weekdays: 'mon-fry' }] },
        'schedule "lab", period 1 "night", weekdays "mon-fry": "fry" is not a weekday',
      ],
      [
        { name: 'lab', periods: [{}, { begintime: '25:00' }] },
        'schedule "lab", period 2, begintime "25:00": hours must be 00-23',
      ],
      [
        { name: 'lab', periods: [{ monthdays: '15-1' }] },
        'schedule "lab", period 1, monthdays "15-1": monthday ranges do not wrap',
      ],
      [
        { name: 'lab', periods: [{ months: 'jan,febr/0' }] },
        'schedule "lab", period 1, months "jan,febr/0": "febr/0": the step must be ≥ 1',
      ],
      [
        { name: 'lab', periods: [{ begintime: '08:00', endtime: '08:00' }] },
        'schedule "lab", period 1, endtime "08:00": equals begintime',
      ],
      [
        { name: 'lab', periods: [{ instanceType: 'T3.Micro' }] },
        'schedule "lab", period 1, instanceType "T3.Micro": not an EC2 instance type',
      ],
      [{ name: 'lab', periods: [{ start: '08:00' }] }, 'schedule "lab", period 1: unknown field "start"'],
      [{ name: 'lab', periods: ['office'] }, 'schedule "lab", period 1: must be an object'],
      [{ name: 'lab', periods: [] }, 'schedule "lab", periods: list at least one period'],
      [{ name: 'lab' }, 'schedule "lab": "periods" is required'],
      [
        { name: 'lab', periods: [{}], timezone: 'Mars/Olympus' },
        'schedule "lab", timezone "Mars/Olympus": not an IANA',
      ],
      [{ name: 'lab', periods: [{}], carbonPolicy: 'green' }, 'schedule "lab", carbonPolicy "green": allowed: "none"'],
      [
        { name: 'lab', periods: [{}], maxDeferMinutes: 1441 },
        'schedule "lab", maxDeferMinutes "1441": must be a whole',
      ],
      [{ name: 'lab', periods: [{}], maxDeferMinutes: 1.5 }, 'maxDeferMinutes "1.5": must be a whole number'],
      [{ name: 'lab', periods: [{}], enforced: 'yes' }, 'schedule "lab", enforced "yes": must be true or false'],
      [
        { name: 'lab', periods: [{}], overrideStatus: 'paused' },
        'overrideStatus "paused": allowed: "running", "stopped"',
      ],
      [{ name: 'lab', periods: [{}], exceptions: ['2026-02-30'] }, 'exceptions[0] "2026-02-30": not a calendar date'],
      [{ name: 'lab', periods: [{}], exceptions: ['2026-12-26/2026-12-24'] }, 'the range ends before it starts'],
      [{ name: 'lab', periods: [{}], exceptions: '2026-12-25' }, 'exceptions "2026-12-25": must be a list'],
      [{ name: 'lab', periods: [{}], ssm_maintenance_window: 'patch' }, 'SSM maintenance windows are not supported'],
      [
        { name: 'lab', periods: [{}], use_maintenance_window: 'yes' },
        'use_maintenance_window "yes": must be true or false',
      ],
      [
        { name: 'lab', periods: [{}], retainRunning: true, retain_running: false },
        'are the same field "retainRunning"',
      ],
      [{ periods: [{}] }, 'schedule (no valid name): "name" is required'],
      [{ name: '  ', periods: [{}] }, 'schedule (no valid name), name "  ": must be a non-empty string'],
      [{ name: 'x'.repeat(257), periods: [{}] }, 'at most 256 characters'],
      ['office-hours', 'a schedule definition must be an object'],
    ])('rejects %j naming the schedule, period, field and text', (input, message) => {
      // Act
      const errors = errorsOf(input);

      // Assess
      expect(
        errors.some((error) => error.includes(message)),
        errors.join('\n'),
      ).toBe(true);
    });

    it('reports every problem at once', () => {
      // Act
      const errors = errorsOf({
        name: 'lab',
        carbonPolicy: 'green',
        periods: [{ weekdays: 'xyz' }, { months: '13' }],
      });

      // Assess
      expect(errors).toHaveLength(3);
    });

    it('reports a bad default time zone', () => {
      // Act
      const errors = errorsOf({ name: 'lab', periods: [{}] }, 'Not/AZone');

      // Assess
      expect(errors).toEqual(['schedule "lab", timezone: the default time zone "Not/AZone" is not an IANA time zone']);
    });

    it('treats null fields as absent', () => {
      // Act
      const result = parseScheduleDefinition({ name: 'lab', timezone: null, periods: [{ weekdays: null }] }, 'UTC');

      // Assess
      expect(result.ok && result.schedule.timezone).toBe('UTC');
      expect(result.ok && result.schedule.periods[0]?.weekdays).toBeUndefined();
    });
  });

  describe('Function: ScheduleDefinitionError', () => {
    it('lists every problem in its message', () => {
      // Act
      const error = new ScheduleDefinitionError(['a is wrong', 'b is wrong']);

      // Assess
      expect(error.name).toBe('ScheduleDefinitionError');
      expect(error.message).toBe('Invalid schedule definitions:\n  - a is wrong\n  - b is wrong');
    });
  });

  describe('Function: validateScheduleDefinition', () => {
    it('returns no message for a valid definition and the parser messages for an invalid one', () => {
      // Act
      const valid = validateScheduleDefinition({ name: 'lab', periods: [{ weekdays: 'mon-fri' }] }, 'UTC');
      const invalid = validateScheduleDefinition({ name: 'lab', periods: [{ weekdays: 'mon-fry' }] }, 'UTC');

      // Assess
      expect(valid).toEqual([]);
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toContain('schedule "lab", period 1, weekdays "mon-fry"');
    });

    it('makes the configuration fail with the schedule, period, field and text', () => {
      // Act
      const act = () =>
        resolveConfig({ timezone: 'Europe/Berlin', schedules: [{ name: 'lab', periods: [{ endtime: '18:61' }] }] });

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/schedules\[0\]: schedule "lab", period 1, endtime "18:61": minutes must be 00-59/);
    });

    it('lets a valid configuration through', () => {
      // Act
      const config = resolveConfig({
        schedules: [{ name: 'lab', periods: [{ begintime: '22:00', endtime: '06:00' }] }],
      });

      // Assess
      expect(config.schedules).toHaveLength(1);
    });
  });
});
