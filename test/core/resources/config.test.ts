import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../lambdas/core/config/resolve';

describe('Module: resources config', () => {
  describe('Section: resources', () => {
    it('defaults to the opt-out value "ignore", the ScheduleApplication tag, no start order, no tags, no topic', () => {
      // Act
      const config = resolveConfig({});

      // Assess
      expect(config.resources).toEqual({
        optOutValues: ['ignore'],
        applicationTag: 'ScheduleApplication',
        informationTags: false,
      });
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
        informationTags: false,
      });
    });

    it('reads informational tags and a notification topic (severity error, no e-mail, by default)', () => {
      // Act
      const config = resolveConfig({ resources: { informationTags: true, notifications: {} } });

      // Assess
      expect(config.resources).toMatchObject({
        informationTags: true,
        notifications: { severities: ['error'], emails: [] },
      });
    });

    it.each([
      [{ resources: { startOrder: ['rds', 'ec2-instance'] } }, '"rds" is not a resource type'],
      [{ resources: { startOrder: ['ec2-instance', 'ec2-instance'] } }, 'startOrder lists a resource type twice'],
      [{ resources: { optOutValues: ['--'] } }, 'is blank'],
      [{ resources: { unknown: true } }, 'unknown'],
      [{ resources: { notifications: { severities: [] } } }, 'severities'],
      [{ resources: { notifications: { severities: ['error', 'error'] } } }, 'severities lists a value twice'],
      [{ resources: { notifications: { severities: ['fatal'] } } }, 'severities'],
      [{ resources: { notifications: { emails: ['not-an-address'] } } }, 'emails'],
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
