import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../lambdas/core/config/resolve';

describe('Module: resources config', () => {
  describe('Section: resources', () => {
    it('defaults to the opt-out value "ignore", the ScheduleApplication tag and no start order', () => {
      // Act
      const config = resolveConfig({});

      // Assess
      expect(config.resources).toEqual({ optOutValues: ['ignore'], applicationTag: 'ScheduleApplication' });
    });

    it('reads a start order and opt-out values', () => {
      // Act
      const config = resolveConfig({
        resources: { optOutValues: ['manual'], applicationTag: 'app', startOrder: ['rds-cluster', 'ec2-instance'] },
      });

      // Assess
      expect(config.resources).toEqual({
        optOutValues: ['manual'],
        applicationTag: 'app',
        startOrder: ['rds-cluster', 'ec2-instance'],
      });
    });

    it.each([
      [{ resources: { startOrder: ['rds', 'ec2-instance'] } }, '"rds" is not a resource type'],
      [{ resources: { startOrder: ['ec2-instance', 'ec2-instance'] } }, 'startOrder lists a resource type twice'],
      [{ resources: { optOutValues: ['--'] } }, 'is blank'],
      [{ resources: { unknown: true } }, 'unknown'],
      [
        { schedules: [{ name: 'Ignore', periods: [{}] }] },
        'the schedule "Ignore" has the name of the opt-out value "ignore"',
      ],
    ])('refuses %j naming the field', (input, message) => {
      // Act / Assess
      expect(() => resolveConfig(input)).toThrow(ConfigError);
      expect(() => resolveConfig(input)).toThrow(message);
    });
  });
});
